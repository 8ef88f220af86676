"""The incidents page: cases the timer worker could not move on, for coordinators (issue 8)."""

from __future__ import annotations

from flask import render_template

from engine import incidents
from engine.errors import RaflowError

from ..auth import login_required
from ..web import actor, cases
from . import bp


@bp.get("/incidents")
@login_required
def incident_list():
    rows = incidents.list_for(cases(), actor().name)
    return render_template("incidents.html", rows=rows)


@bp.app_template_global("sees_incidents")
def sees_incidents(me) -> bool:
    """Whether the nav shows the incidents page (coordinators: [permissions] incidents)."""
    if me is None:
        return False
    svc = cases()
    try:
        with svc.db.transaction() as s:
            config = svc.registry.current(s, me.jurisdiction).jurisdiction.config
    except RaflowError:
        return False
    return incidents.may_see_incidents(me, config)
