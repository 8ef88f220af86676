"""`raflow case letters|letter|correct-letter`: issued letters of a case, one letter to a file, a correction."""

from __future__ import annotations

import json
import os
from pathlib import Path

import click

from .context import Context, to_jsonable

pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.command("letters")
@click.argument("case_id", type=int)
@click.option("--as", "actor", required=True, help="the user looking (permissions apply)")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def case_letters(c: Context, case_id, actor, as_json):
    """Letters issued in a case: id, kind, title, letter date, version, superseded."""
    from engine import letters  # imported when the command runs: `raflow --help` stays fast

    rows = letters.list_letters(c.cases, case_id, actor)
    if as_json:
        click.echo(json.dumps(to_jsonable(rows), indent=2))
        return
    if not rows:
        click.echo(f"case {case_id}: no letters issued yet")
    for r in rows:
        state = f"superseded by {r.superseded_by}" if r.superseded else "current"
        click.echo(f"{r.id}\t{r.kind}\t{r.letter_date}\tv{r.version}\t{state}\t{r.title}")


@click.command("letter")
@click.argument("case_id", type=int)
@click.argument("letter_id", type=int)
@click.option("--as", "actor", required=True, help="the user downloading (permissions apply; recorded)")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False), help="FILE.pdf or FILE.html")
@pass_ctx
def case_letter(c: Context, case_id, letter_id, actor, out):
    """Write one letter as PDF or HTML (by the file's suffix)."""
    fmt = Path(out).suffix.lower().lstrip(".")
    from engine import letters

    if fmt not in letters.FORMATS:
        raise click.UsageError(f"--out must end in .pdf or .html, not {Path(out).name!r}")
    info, body, _ = letters.open_letter(c.cases, case_id, letter_id, actor, fmt)
    tmp = f"{out}.part"
    with open(tmp, "wb") as fh:
        fh.write(body)
    os.replace(tmp, out)
    click.echo(f"wrote {out}: {info.title} of {info.letter_date} (version {info.version}, {len(body)} bytes)")


@click.command("correct-letter")
@click.argument("case_id", type=int)
@click.argument("letter_id", type=int)
@click.option("--as", "actor", required=True, help="a holder of the role that issued the letter")
@click.option("--data", required=True, help="the corrected form values as a JSON object")
@pass_ctx
def case_correct_letter(c: Context, case_id, letter_id, actor, data):
    """Issue a corrected version of a letter; the old one stays in the file, marked superseded."""
    try:
        changes = json.loads(data)
    except json.JSONDecodeError as err:
        raise click.UsageError(f"--data is not valid JSON: {err.msg} at column {err.colno}") from None
    from engine import letters

    new_id = letters.reissue(c.cases, case_id, letter_id, actor, changes)
    click.echo(f"letter {new_id} issued; letter {letter_id} is superseded")


COMMANDS = (case_letters, case_letter, case_correct_letter)
