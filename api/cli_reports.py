"""`raflow report timeliness|export`: the reports of engine.reports on the command line."""

from __future__ import annotations

import json
import os

import click

from .context import Context, to_jsonable

pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group("report")
def report():
    """Timeliness report and NEAT data export (for the jurisdiction's reporting roles)."""


def _figures_lines(f: dict, indent: str = "") -> list[str]:
    dtp = f["days_to_process"]
    pct = "-" if f["percent_timely"] is None else f"{f['percent_timely']}%"
    return [f"{indent}received {f['received']}, decided {f['decided']}, pending {f['pending']}, "
            f"withdrawn {f['withdrawn']}",
            f"{indent}timely {f['timely']}, late {f['late']} ({pct} timely)",
            f"{indent}days to process less abeyance: median {dtp['median']}, p90 {dtp['p90']}, max {dtp['max']}"]


@report.command("timeliness")
@click.option("--jurisdiction", "-j", default=None, help="default: your own")
@click.option("--from", "start", required=True, help="first day, YYYY-MM-DD")
@click.option("--to", "end", required=True, help="last day, YYYY-MM-DD")
@click.option("--as", "as_user", required=True, help="the user running the report")
@click.option("--by", default=None, help="month | type | purpose | requester_type | component")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def timeliness(c: Context, jurisdiction, start, end, as_user, by, as_json):
    """Received, decided, pending, withdrawn; dispositions; days to process; timely and late cases."""
    from engine.report_service import timeliness as run

    data = run(c.cases, as_user, jurisdiction, start, end, by)
    if as_json:
        click.echo(json.dumps(to_jsonable(data), indent=2))
        return
    click.echo(f"{data['jurisdiction_name']}: {data['from']} to {data['to']}")
    for line in _figures_lines(data):
        click.echo(line)
    for name, n in data["dispositions"].items():
        click.echo(f"  {name}: {n['count'] if isinstance(n, dict) else n}")
    for late in data["late_cases"]:
        click.echo(f"  late: case {late['case_id']} by {late['days_over']} day(s) at {late['late_step'] or '-'}"
                   f"{'' if late['delay_notice_sent'] else ' (no delay notice)'}")
    a = data["annual"]
    click.echo(f"{a['fiscal_year']} ({a['from']} to {a['to']}): {a['received']} received, "
               f"{a['percent_timely'] if a['percent_timely'] is not None else '-'}% timely")
    for g in data.get("groups", []):
        click.echo(f"[{g['group']}]")
        for line in _figures_lines(g, "  "):
            click.echo(line)


@report.command("export")
@click.option("--jurisdiction", "-j", default=None, help="default: your own")
@click.option("--from", "start", required=True, help="first day, YYYY-MM-DD")
@click.option("--to", "end", required=True, help="last day, YYYY-MM-DD")
@click.option("--format", "fmt", default="csv", show_default=True, help="csv | xlsx")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="file to write")
@click.option("--as", "as_user", required=True, help="the user running the export")
@pass_ctx
def export(c: Context, jurisdiction, start, end, fmt, out, as_user):
    """One row per case with the NEAT data list; never a medical field. Recorded in the audit log."""
    from engine.report_service import export as run

    _name, _type, chunks = run(c.cases, as_user, jurisdiction, start, end, fmt)
    tmp = f"{out}.part"
    try:
        with open(tmp, "wb") as fh:
            for chunk in chunks:
                fh.write(chunk)
        os.replace(tmp, out)
    except OSError as err:
        raise click.ClickException(f"{out}: {err.strerror}") from None
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    click.echo(f"wrote {out}")
