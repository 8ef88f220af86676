"""Studio commands for policy staff: `raflow invariants`, `raflow scenario run`, `raflow diff`, `raflow migrate`.

Each works on a jurisdiction folder (the same folders the studio downloads and uploads); every error is one
line naming the file, and a failed check exits non-zero.
"""

from __future__ import annotations

import sys

import click


@click.command("invariants")
@click.argument("path", type=click.Path())
@click.option("--include-disabled", is_flag=True, help="also check invariants marked enabled = false")
def invariants(path, include_disabled):
    """Check the [[invariants]] of a jurisdiction folder on every path of its diagrams."""
    from engine.definitions import read_folder
    from engine.invariants import check_bundle

    found, problems = check_bundle(read_folder(path), include_disabled)
    for problem in problems:
        click.echo(str(problem))
    if problems:
        sys.exit(1)
    off = [i.id for i in found if not i.enabled and not include_disabled]
    note = f" ({len(off)} disabled: {', '.join(off)})" if off else ""
    click.echo(f"ok: {len(found) - len(off)} invariant(s) hold in {path}{note}", err=True)


def register(cli: click.Group) -> None:
    """Add the studio commands to the `raflow` group (one line in api/cli.py)."""
    for command in (invariants, scenario, migrate, diff):
        cli.add_command(command)


@click.group("scenario")
def scenario():
    """Scenarios policy staff write (processes/<jurisdiction>/scenarios/*.yaml)."""


@scenario.command("run")
@click.argument("path", type=click.Path())
@click.option("--draft", is_flag=True, help="run against the folder's own files instead of the deployed version")
@click.pass_obj
def scenario_run(c, path, draft):
    """Run a jurisdiction folder's scenarios; each failing step says what was expected and what happened."""
    from engine.scenarios import read_scenarios, run

    bundle = _bundle_for(c, path, draft)
    scenarios = read_scenarios(path)
    if not scenarios:
        raise click.ClickException(f"{path}/scenarios: no scenario files (*.yaml)")
    results = run(bundle, scenarios)
    for result in results:
        click.echo(str(result))
    failed = sum(not r.passed for r in results)
    click.echo(f"{len(results) - failed} passed, {failed} failed", err=True)
    if failed:
        sys.exit(1)


def _bundle_for(c, path, draft):
    """The folder's files (the draft being edited) or the jurisdiction's latest deployed version."""
    from engine.definitions import Bundle, read_folder

    folder = read_folder(path)
    if draft:
        return folder
    from engine.definitions import list_versions

    versions = list_versions(c.db, folder.folder_name)
    if not versions:
        raise click.ClickException(f"no version of {folder.folder_name!r} is deployed in this database "
                                   "(deploy it, or use --draft to run against the folder)")
    return Bundle(versions[-1].bundle["files"], folder.folder_name)


@click.command("migrate")
@click.option("--jurisdiction", required=True)
@click.option("--case", "case_ids", multiple=True, help="only this case (repeatable)")
@click.option("--dry-run", is_flag=True, help="list each running case of an older version: can move / cannot, why")
@click.option("--as", "actor", default="cli", help="who moves the cases (recorded in each case's history)")
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def migrate(c, jurisdiction, case_ids, dry_run, actor, as_json):
    """Move running cases to the jurisdiction's latest deployed version (each case in one transaction)."""
    import json

    from engine import case_migration
    from engine.definitions import Registry

    registry = Registry()
    if dry_run:
        moves = [m for cid in case_ids for m in case_migration.plan(c.db, registry, jurisdiction, cid)] if case_ids \
            else case_migration.plan(c.db, registry, jurisdiction)
    else:
        moves = case_migration.migrate(c.db, registry, jurisdiction, actor, list(case_ids) or None)
    if as_json:
        click.echo(json.dumps([m.as_dict() for m in moves], indent=2))
        return
    for move in moves:
        click.echo(str(move))
    if not moves:
        click.echo(f"no running case of {jurisdiction} is on an older version", err=True)


@click.command("diff")
@click.argument("path", type=click.Path())
@click.option("--json", "as_json", is_flag=True)
@click.pass_obj
def diff(c, path, as_json):
    """What a jurisdiction folder changes against its latest deployed version, in words."""
    import json

    from engine.definitions import list_versions, read_folder
    from engine.jurisdiction import CONFIG_NAME, parse_config
    from engine.procedure_diff import diff_bundles

    folder = read_folder(path)
    versions = list_versions(c.db, folder.folder_name)
    if not versions:
        raise click.ClickException(f"no version of {folder.folder_name!r} is deployed in this database "
                                   f"(deploy it first: raflow deploy {path})")
    deployed = versions[-1]
    jur = parse_config(folder.files.get(CONFIG_NAME, ""), CONFIG_NAME)[0]
    changes = diff_bundles(deployed.bundle["files"], folder.files, jur.role_for_lane if jur else (lambda lane: lane))
    if as_json:
        click.echo(json.dumps({"against_version": deployed.id, "changes": [ch.as_dict() for ch in changes]},
                              indent=2, default=str))
        return
    for change in changes:
        click.echo(str(change))
    click.echo(f"{len(changes)} change(s) against {folder.folder_name} version {deployed.id}", err=True)
