"""`raflow diff` (engine.procedure_diff): what a draft changes against the deployed version, in words."""

from __future__ import annotations

import json

from support import copy_testland, run_cli

from engine.definitions import read_folder
from engine.procedure_diff import diff_bundles


def edit(path, old, new):
    text = path.read_text()
    assert old in text, old
    path.write_text(text.replace(old, new, 1))


def changes(before, after) -> list[str]:
    return [str(c) for c in diff_bundles(before.files, after.files)]


def test_identical_folders_have_no_differences(tmp_path):
    folder = copy_testland(tmp_path)
    assert changes(read_folder(folder), read_folder(folder)) == []


def test_renamed_step_moved_lane_timer_condition_parameter_and_form_field(tmp_path):
    folder = copy_testland(tmp_path)
    before = read_folder(folder)
    main = folder / "tl_main.bpmn"
    edit(main, 'name="Acknowledge the reminder"', 'name="Acknowledge the reminder now"')
    edit(main, "end_of_day(remind_on)", "end_of_day(add_business_days(remind_on, 1))")
    edit(main, 'decision == "approve"', 'decision == "approve" and note != "hold"')
    edit(folder / "jurisdiction.toml", "remind_business_days = 2", "remind_business_days = 3")
    form = tmp_path / "forms" / "testland" / "intake.json"
    data = json.loads(form.read_text())
    data["properties"]["priority"] = {"type": "string", "title": "Priority"}
    data["required"] = [*data.get("required", []), "note"]
    form.write_text(json.dumps(data))
    found = changes(before, read_folder(folder))
    assert "tl_main.bpmn: reminder: renamed 'Acknowledge the reminder' -> 'Acknowledge the reminder now'" in found
    assert ("tl_main.bpmn: remind_timer: timer changed: 'end_of_day(remind_on)' -> "
            "'end_of_day(add_business_days(remind_on, 1))'") in found
    assert ("tl_main.bpmn: f_approve: condition changed: 'decision == \"approve\"' -> "
            "'decision == \"approve\" and note != \"hold\"'") in found
    assert "jurisdiction.toml: remind_business_days: parameter remind_business_days changed: 2 -> 3" in found
    assert "forms/intake.json: priority: form 'intake': field 'priority' added" in found
    assert "forms/intake.json: note: form 'intake': field 'note' now required" in found
    assert len(found) == 6


def test_added_and_removed_steps_a_lane_move_and_arrows(tmp_path):
    folder = copy_testland(tmp_path)
    before = read_folder(folder)
    main = folder / "tl_main.bpmn"
    # the reminder step moves from the Clerk lane to the reviewer lane
    edit(main, "        <bpmn:flowNodeRef>reminder</bpmn:flowNodeRef>\n", "")
    edit(main, "<bpmn:flowNodeRef>review</bpmn:flowNodeRef>",
         "<bpmn:flowNodeRef>review</bpmn:flowNodeRef><bpmn:flowNodeRef>reminder</bpmn:flowNodeRef>")
    review = folder / "tl_review.bpmn"
    edit(review, '<bpmn:sequenceFlow id="r2" sourceRef="legal_review" targetRef="review_end" />',
         '<bpmn:sequenceFlow id="r2" sourceRef="legal_review" targetRef="second_look" />'
         '<bpmn:userTask id="second_look" name="Second look" />'
         '<bpmn:sequenceFlow id="r3" sourceRef="second_look" targetRef="review_end" />')
    found = [str(c) for c in diff_bundles(before.files, read_folder(folder).files)]
    assert found == [
        "tl_main.bpmn: reminder: moved from lane 'Clerk' to 'reviewer'",
        "tl_review.bpmn: second_look: step added: userTask \"Second look\"",
        "tl_review.bpmn: r2: arrow legal_review -> review_end now goes legal_review -> second_look",
        "tl_review.bpmn: r3: arrow added: second_look -> review_end",
    ]
    back = [str(c) for c in diff_bundles(read_folder(folder).files, before.files)]
    assert "tl_review.bpmn: second_look: step removed: userTask \"Second look\"" in back
    assert "tl_review.bpmn: r3: arrow removed: second_look -> review_end" in back


def test_raflow_diff_against_the_deployed_version(tmp_path, capsys):
    folder = copy_testland(tmp_path)
    url = f"sqlite:///{tmp_path / 'raflow.db'}"
    assert run_cli(capsys, "--database", url, "init-db")[0] == 0
    code, _, err = run_cli(capsys, "--database", url, "diff", str(folder))
    assert code == 1 and "no version of 'testland' is deployed" in err
    assert run_cli(capsys, "--database", url, "deploy", str(folder))[0] == 0
    code, out, err = run_cli(capsys, "--database", url, "diff", str(folder))
    assert (code, out) == (0, "") and "0 change(s) against testland version 1" in err
    edit(folder / "tl_main.bpmn", 'name="Record the decision"', 'name="Decide"')
    code, out, _ = run_cli(capsys, "--database", url, "diff", "--json", str(folder))
    body = json.loads(out)
    assert body["against_version"] == 1
    assert [(c["kind"], c["element"], c["before"], c["after"]) for c in body["changes"]] == [
        ("renamed", "intake", "Record the decision", "Decide")]
