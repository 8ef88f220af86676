"""Letters on the pages: the case page's and My requests' letter lists, and letter downloads (PDF, HTML)."""

from __future__ import annotations

from flask import Response

from engine import letters

from ..auth import login_required
from ..web import actor, cases
from . import bp


@bp.app_template_global("case_letters")
def case_letters(case_id):
    """Letters of a case the signed-in user may see (for the case page and My requests)."""
    return letters.list_letters(cases(), case_id, actor().name)


def _send(case_id, letter_id, fmt):
    info, body, ctype = letters.open_letter(cases(), case_id, letter_id, actor().name, fmt)
    name = f"case-{info.case_id}-{info.kind}-v{info.version}.{fmt}"
    disposition = "attachment" if fmt == "pdf" else "inline"
    headers = {"Content-Disposition": f'{disposition}; filename="{name}"'}
    return Response(body, mimetype=ctype.split(";")[0], headers=headers)


@bp.get("/cases/<int:case_id>/letters/<int:letter_id>.pdf")
@login_required
def letter_pdf(case_id, letter_id):
    return _send(case_id, letter_id, "pdf")


@bp.get("/cases/<int:case_id>/letters/<int:letter_id>.html")
@login_required
def letter_html(case_id, letter_id):
    return _send(case_id, letter_id, "html")
