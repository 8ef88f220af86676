"""A new variant's settings applied to a copied folder: renamed roles followed everywhere they are named
(config lists, `role` values, letter signatures, lanes by title or by key), removed roles dropped, comments kept."""

from __future__ import annotations

import tomllib

from engine.studio_variant import Role, VariantSpec, apply, check, from_files

CONFIG = '''key = "src"
name = "Source"
timezone = "America/New_York"
start_processes = ["p"]

[roles]
requester = "Requester"
ogc = "Office of General Counsel"  # legal sufficiency (4-6)
pao = "Public Affairs"

[confidential]
need_to_know = ["ogc", "pao"]

[parameters]
decision_days = 45  # 4-1: decide within 45 days

[letters.signatures]
ogc = { title = "Counsel" }

[[invariants]]
id = "x"
kind = "passes"
to = { ids = ["end"] }
through = { role = "ogc", type = "userTask" }
'''
BPMN = ('<bpmn:definitions><bpmn:process id="p"><bpmn:laneSet>'
        '<bpmn:lane id="l1" name="Office of General Counsel"/><bpmn:lane id="l2" name="ogc"/>'
        '<bpmn:lane id="l3" name="Requester"/></bpmn:laneSet></bpmn:process></bpmn:definitions>')
FILES = {"jurisdiction.toml": CONFIG, "p.bpmn": BPMN}


def spec(**changes) -> VariantSpec:
    base = VariantSpec(key="dst", name="Destination", timezone="Pacific/Honolulu", country="US", subdiv="HI",
                       dates=["2026-12-24"], roles=[Role("requester", "Requester", "requester"),
                                                    Role("counsel", "Regional Counsel", "ogc"),
                                                    Role("pao", "Public Affairs", "pao", remove=True),
                                                    Role("cio", "Chief Information Officer")])
    for k, v in changes.items():
        setattr(base, k, v)
    base.lanes = from_files(FILES).lanes
    return base


def test_a_renamed_role_is_followed_everywhere_and_a_removed_one_dropped():
    s = spec()
    assert check(s, lambda key: False) == {}
    out = apply(FILES, s)
    cfg = tomllib.loads(out["jurisdiction.toml"])
    assert cfg["key"] == "dst" and cfg["timezone"] == "Pacific/Honolulu"
    assert cfg["holidays"] == {"country": "US", "subdiv": "HI", "extra": ["2026-12-24"]}
    assert cfg["roles"] == {"requester": "Requester", "counsel": "Regional Counsel", "cio": "Chief Information Officer"}
    assert cfg["confidential"]["need_to_know"] == ["counsel"]
    assert cfg["invariants"][0]["through"] == {"role": "counsel", "type": "userTask"}
    assert cfg["letters"]["signatures"] == {"counsel": {"title": "Counsel"}}
    assert "# legal sufficiency (4-6)" in out["jurisdiction.toml"]
    assert "# 4-1: decide within 45 days" in out["jurisdiction.toml"]
    # the lane named by the title and the one named by the old key both carry the new title
    assert out["p.bpmn"].count('name="Regional Counsel"') == 2 and 'name="Requester"' in out["p.bpmn"]


def test_a_role_with_lanes_cannot_be_removed_and_keys_must_be_new():
    s = spec(roles=[Role("requester", "Requester", "requester"), Role("ogc", "x", "ogc", remove=True)])
    errors = check(s, lambda key: key == "dst")
    assert errors["new_key"] == "jurisdiction 'dst' already exists: choose another key"
    assert errors["role-1"].startswith("role 'ogc' stands for lanes (p.bpmn: Office of General Counsel; p.bpmn: ogc)")
    assert "a subdivision" in check(spec(subdiv="XX"), lambda key: False)["subdiv"]
    bad_date = check(spec(dates=["2026-13-01"]), lambda key: False)
    assert bad_date == {"holiday-0": "'2026-13-01' is not a date (YYYY-MM-DD)"}
