"""Every shipped diagram through the studio's modeler and back: bpmn-js, told about the spiffworkflow
namespace (api/studio_assets/spiffworkflow-moddle.json), imports each diagram in Chromium and writes it
again, and every spiffworkflow element raflow reads (form keys, letters, instructions, scripts, message
variables) comes back with the same attributes and text. A spiffworkflow element the editor does not know
is announced on the page before saving, and saving without touching the picture keeps it.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from browserkit import check_axe, open_in_modeler, open_raflow_group, sign_in
from lxml import etree
from playwright.sync_api import expect

SPIFF = "http://spiffworkflow.org/bpmn/schema/1.0/core"
ROOT = Path(__file__).resolve().parents[2] / "processes"
DIAGRAMS = sorted(ROOT.glob("*/*.bpmn"))
POLICY_USER = {"navy": "navy.coordinator", "santa_cruz": "sc.ada"}
UNKNOWN = "<spiffworkflow:somethingElse>keep me</spiffworkflow:somethingElse>"


def spiff_elements(xml: str) -> list[tuple]:
    """(owner id, element, attributes, text) of every spiffworkflow element, in a comparable order."""
    root = etree.fromstring(xml.encode("utf-8"))
    found = []
    for node in root.iter(f"{{{SPIFF}}}*"):
        owner = next(a.get("id") for a in node.iterancestors() if a.get("id"))
        text = node.text if len(node) == 0 else ""
        found.append((owner, etree.QName(node).localname, tuple(sorted(node.attrib.items())), text))
    return sorted(found)


def start_drafts(server) -> None:
    """The module's server deploys only the Navy: deploy Santa Cruz too, with its ADA Coordinator."""
    from engine import studio
    from engine.auth import hash_password
    from engine.definitions import Registry
    from engine.store import Database
    from engine.users import add_user

    server.raflow("deploy", str(ROOT / "santa_cruz"))
    db = Database(server.env["RAFLOW_DATABASE_URL"])
    try:
        add_user(db, Registry(), "sc.ada", ["ada_coordinator"], "santa_cruz", "Ari ADA Coordinator",
                 password_hash=hash_password("demo", demo=True), demo=True)
        for key, user in POLICY_USER.items():
            studio.start_draft(db, key, user)
    finally:
        db.dispose()


def saved_by_modeler(page) -> str:
    return page.evaluate("async () => (await window.raflowModeler.saveXML({ format: true })).xml")


def test_every_shipped_diagram_keeps_its_spiffworkflow_elements_through_the_modeler(live_page, live_server):
    page = live_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    page.set_default_timeout(30000)
    assert len(DIAGRAMS) >= 13
    start_drafts(live_server)
    total, kinds = 0, set()
    for key in POLICY_USER:
        page.context.clear_cookies()
        sign_in(page, POLICY_USER[key])
        for path in (p for p in DIAGRAMS if p.parent.name == key):
            original = path.read_text(encoding="utf-8")
            open_in_modeler(page, key, path.name)
            expect(page.locator("#modeler-warnings-box")).to_be_hidden()
            before, after = spiff_elements(original), spiff_elements(saved_by_modeler(page))
            assert after == before, path.name
            total += len(before)
            kinds |= {(e[1], dict(e[2]).get("name")) for e in before}
    assert total > 400
    assert {("property", "formKey"), ("property", "letter"), ("instructionsForEndUser", None),
            ("postScript", None), ("messageVariable", None), ("properties", None)} <= kinds


@pytest.fixture
def unknown_element_draft(live_server):
    from engine import studio
    from engine.store import Database

    db = Database(live_server.env["RAFLOW_DATABASE_URL"])
    try:
        draft = studio.start_draft(db, "navy", "navy.coordinator")
        xml = draft.files["navy_forwarding.bpmn"]
        anchor = '<bpmn:userTask id="task_forward" name="Forward the request to the RA Coordinator (1-4)">\n' \
                 '      <bpmn:extensionElements>'
        assert anchor in xml
        studio.save_file(db, "navy", "navy_forwarding.bpmn", xml.replace(anchor, anchor + UNKNOWN), "navy.coordinator")
    finally:
        db.dispose()


def test_an_unknown_spiffworkflow_element_is_announced_and_kept_when_saved(live_page, unknown_element_draft):
    page = live_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, "navy.coordinator")
    open_in_modeler(page, "navy", "navy_forwarding.bpmn")
    box = page.locator("#modeler-warnings-box")
    expect(box).to_be_visible()
    expect(box).to_contain_text("The editor cannot read part of this diagram")
    expect(page.locator("#modeler-warnings")).to_contain_text("somethingElse")
    # the warning is true: the modeler itself would drop the element
    assert "somethingElse" not in saved_by_modeler(page)
    check_axe(page, "diagram editor with a warning", exclude=["#studio-canvas"])
    page.get_by_role("button", name="Save in the draft").click()
    expect(page.get_by_text("Saved navy_forwarding.bpmn in the draft.")).to_be_visible()
    open_in_modeler(page, "navy", "navy_forwarding.bpmn")
    assert UNKNOWN in page.locator("#file-text").input_value()


def test_the_panel_creates_the_extension_elements_a_bare_user_task_lacks(live_page, live_server):
    from engine import studio
    from engine.store import Database

    db = Database(live_server.env["RAFLOW_DATABASE_URL"])
    try:
        studio.discard_draft(db, "navy")
        xml = studio.start_draft(db, "navy", "navy.coordinator").files["navy_forwarding.bpmn"]
        start = xml.index("<bpmn:extensionElements>", xml.index('<bpmn:userTask id="task_forward"'))
        end = xml.index("</bpmn:extensionElements>", start) + len("</bpmn:extensionElements>")
        studio.save_file(db, "navy", "navy_forwarding.bpmn", xml[:start] + xml[end:], "navy.coordinator")
    finally:
        db.dispose()
    page = live_page
    page.set_viewport_size({"width": 1400, "height": 1000})
    sign_in(page, "navy.coordinator")
    open_in_modeler(page, "navy", "navy_forwarding.bpmn")
    open_raflow_group(page, "task_forward")
    field = page.get_by_label("Form key")
    expect(field).to_have_value("")
    field.select_option("navy_forward_request")
    page.wait_for_function("() => document.getElementById('file-text').value.includes('navy_forward_request')")
    root = etree.fromstring(page.locator("#file-text").input_value().encode("utf-8"))
    task = next(t for t in root.iter("{*}userTask") if t.get("id") == "task_forward")
    props = [(p.get("name"), p.get("value")) for p in task.iterfind(f"{{*}}extensionElements/{{{SPIFF}}}properties/"
                                                                    f"{{{SPIFF}}}property")]
    assert props == [("formKey", "navy_forward_request")]
