"""What the pages, the API and the CLI call for reports: check who asks and what, then run it.

A jurisdiction the actor may not report on is a field error on `jurisdiction` (HTTP 422), like a
period that ends before it starts or an unknown breakdown; holding no reporting role in one's own
jurisdiction is a refusal (403). Who may report is the jurisdiction's `[reports] roles` setting.
"""

from __future__ import annotations

from datetime import date

from . import access, exports, overdue, reports
from .documents import document_types
from .errors import NotFound, ValidationFailed


def deployed_for(service, actor, jurisdiction: str | None):
    """The current deployed version of the jurisdiction the actor asks about (default: their own)."""
    key = (jurisdiction or actor.jurisdiction or "").strip()
    if key != actor.jurisdiction:
        raise ValidationFailed({"jurisdiction": f"you may report only on your own jurisdiction ({actor.jurisdiction})"})
    with service.db.transaction() as s:
        try:
            deployed = service.registry.current(s, key)
        except NotFound:
            raise ValidationFailed({"jurisdiction": f"no jurisdiction {key!r} is deployed"}) from None
    reports.check_may_report(actor, deployed.jurisdiction)
    return deployed


def load_actor(service, actor_name: str):
    with service.db.transaction() as s:
        return access.load_actor(s, actor_name)


def timeliness(service, actor_name: str, jurisdiction: str | None, start, end, by: str | None = None) -> dict:
    actor = load_actor(service, actor_name)
    start, end, by = reports.check_period(start, end, by)
    deployed = deployed_for(service, actor, jurisdiction)
    return reports.timeliness(service.db, deployed.jurisdiction, start, end, by)


def histogram(service, actor_name: str, jurisdiction: str | None, start: date, end: date) -> list[dict]:
    actor = load_actor(service, actor_name)
    start, end, _ = reports.check_period(start, end)
    deployed = deployed_for(service, actor, jurisdiction)
    with service.db.engine.connect() as conn:
        return reports.histogram(conn, deployed.jurisdiction.key, start, end)


def export(service, actor_name: str, jurisdiction: str | None, start, end, fmt: str):
    """(filename, content type, byte chunks); the export is recorded in the audit log first."""
    actor = load_actor(service, actor_name)
    errors = {}
    try:
        start, end, _ = reports.check_period(start, end)
    except ValidationFailed as err:
        errors.update(err.errors)
    if fmt not in exports.FORMATS:
        errors["format"] = f"choose one of: {', '.join(exports.FORMATS)}"
    if errors:
        raise ValidationFailed(errors)
    deployed = deployed_for(service, actor, jurisdiction)
    key = deployed.jurisdiction.key
    exports.record(service.db, actor.name, key, fmt, start, end)
    titles = {k: v[0] for k, v in document_types(deployed).items()}
    table = exports.rows(service.db, deployed, start, end, titles)
    name = f"raflow-{key}-{start.isoformat()}-{end.isoformat()}.{fmt}"
    if fmt == "csv":
        return name, "text/csv; charset=utf-8", exports.iter_csv(table)
    return name, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", exports.iter_xlsx(table)


def overdue_dashboard(service, actor_name: str, jurisdiction: str | None = None):
    actor = load_actor(service, actor_name)
    deployed = deployed_for(service, actor, jurisdiction)
    return deployed.jurisdiction, overdue.dashboard(service.db, deployed.jurisdiction)


def reporting_jurisdiction(service, actor_name: str):
    """The actor's jurisdiction config if they may report on it, else None (for the navigation link)."""
    actor = load_actor(service, actor_name)
    with service.db.transaction() as s:
        try:
            deployed = service.registry.current(s, actor.jurisdiction)
        except NotFound:
            return None
    return deployed.jurisdiction if reports.may_report(actor, deployed.jurisdiction) else None
