"""Demo users for every deployed jurisdiction, so `make run` shows a working system (see README).

Every demo user signs in with the password "demo" and is flagged as a demo account: `raflow demo`
is refused, and demo accounts cannot sign in, when RAFLOW_ENV=production.
"""

from __future__ import annotations

from engine.auth import hash_password
from engine.errors import NotFound, RaflowError
from engine.passwords import is_production
from engine.users import add_user

DEMO_PASSWORD = "demo"

DEMO_USERS = {
    "navy": [
        ("navy.requester", "Alex Requester", ["requester"]),
        ("navy.supervisor", "Sam Supervisor", ["supervisor"]),
        ("navy.coordinator", "Casey Coordinator", ["coordinator"]),
        ("navy.hr", "Harper HR Specialist", ["hr"]),
        ("navy.deeo", "Dana Director EEO", ["deeo"]),
        ("navy.ogc", "Oakley General Counsel", ["ogc"]),
        ("navy.ochr", "Olin OCHR Operations Center", ["ochr"]),
        ("navy.hrd", "Hollis HR Director", ["hrd"]),
        ("navy.cio", "Cleo CIO", ["cio"]),
        ("navy.facilities", "Finn Facilities", ["facilities"]),
        ("navy.safety", "Sky Safety", ["safety"]),
    ],
    "santa_cruz": [
        ("sc.requester", "Robin Requester", ["requester"]),
        ("sc.department", "Devon Department", ["department"]),
        ("sc.ada", "Ari ADA Coordinator", ["ada_coordinator", "committee"]),
        ("sc.ohp", "Olive Occupational Health", ["ohp"]),
        ("sc.wc", "Wes Workers' Comp", ["wc_manager", "committee"]),
        ("sc.eeo", "Emery EEO Analyst", ["eeo"]),
        ("sc.personnel", "Pat Personnel", ["personnel", "committee"]),
        ("sc.eeo_officer", "Eli EEO Officer", ["eeo_officer"]),
        ("sc.safety", "Sage Occupational Safety", ["safety"]),
    ],
}


def load_demo(ctx) -> list[str]:
    if is_production():
        raise RaflowError("demo users are not created when RAFLOW_ENV=production (their password is public)")
    lines = []
    digest = hash_password(DEMO_PASSWORD, demo=True)  # one hash for all: the demo password is public anyway
    for jurisdiction, users in DEMO_USERS.items():
        for name, display, roles in users:
            try:
                add_user(ctx.db, ctx.cases.registry, name, roles, jurisdiction, display,
                         password_hash=digest, demo=True)
            except NotFound:
                lines.append(f"skipped {jurisdiction}: not deployed")
                break
            lines.append(f"user {name} ({jurisdiction}): {', '.join(roles)}; password {DEMO_PASSWORD!r}")
    return lines
