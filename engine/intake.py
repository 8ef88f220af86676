"""The new-request (intake) form: a jurisdiction's own (`[intake] form = "<form key>"` in
jurisdiction.toml) or the built-in one below. Staff recording a request on someone's behalf (an oral
request, Navy 1-3) also give how (`request_mode`) and when (`request_date`) it was made. Field names
follow the Navy intake form, so the first step's form opens with them filled in.
"""

from __future__ import annotations

from .forms import Form

DEFAULT_INTAKE = {
    "title": "Request a reasonable accommodation",
    "type": "object",
    "required": ["accommodation_requested"],
    "properties": {
        "accommodation_requested": {
            "type": "string", "title": "What accommodation is requested?", "minLength": 1, "maxLength": 4000,
            "x-ui": {"widget": "textarea", "help": "In the requester's own words. No special words are needed, "
                                                   "and there is no need to name a medical condition."}},
        "purpose": {
            "type": "string", "title": "What would it help with at work?", "maxLength": 4000,
            "x-ui": {"widget": "textarea", "help": "Optional: the job duties, the benefit of employment or the "
                                                   "part of the application process it is for."}},
    },
    "x-ui": {"order": ["accommodation_requested", "purpose"]},
}

STAFF_FIELDS = {
    "request_mode": {"type": "string", "title": "How was the request made?", "enum": ["oral", "written"],
                     "x-ui": {"widget": "radio", "labels": {"oral": "Orally (in person or by phone)",
                                                            "written": "In writing (letter, email or form)"}}},
    "request_date": {"type": "string", "format": "date", "title": "Date the request was made", "x-not-future": True,
                     "x-ui": {"widget": "date", "help": "The day the requester first asked (it starts the "
                                                        "deadlines), as YYYY-MM-DD."}},
}


def intake_form(deployed, staff: bool) -> Form:
    key = ((deployed.jurisdiction.config.get("intake") or {}).get("form")) if deployed else None
    configured = deployed.form(key) if key else None
    schema = dict(configured.schema if configured else DEFAULT_INTAKE)
    if staff:
        props = dict(schema.get("properties", {}))
        extra = {k: v for k, v in STAFF_FIELDS.items() if k not in props}
        props.update(extra)
        schema["properties"] = props
        schema["required"] = list(dict.fromkeys([*schema.get("required", []), *extra]))
        ui = dict(schema.get("x-ui", {}))
        ui["order"] = [*extra, *ui.get("order", [k for k in props if k not in extra])]
        schema["x-ui"] = ui
    return Form(configured.key if configured else "intake", schema)
