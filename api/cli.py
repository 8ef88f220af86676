"""The `raflow` command line: database, definitions, users, cases, tasks, clock, worker, server, demo.

Every error is a one-line message and a non-zero exit; never a traceback.
"""

from __future__ import annotations

import json
import sys

import click

from engine import clock
from engine.errors import DefinitionError, RaflowError, ValidationFailed

from .cli_letters import COMMANDS as LETTER_COMMANDS
from .context import Context, first_of, to_jsonable


class CliError(click.ClickException):
    def show(self, file=None):
        click.echo(f"raflow: {self.format_message()}", err=True)


pass_ctx = click.make_pass_decorator(Context, ensure=True)


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--database", envvar="RAFLOW_DATABASE_URL", help="SQLAlchemy URL (default sqlite:///instance/raflow.db)")
@click.pass_context
def cli(ctx, database):
    """raflow: run reasonable accommodation procedures from BPMN diagrams."""
    ctx.obj = Context(database)


def _out(data, as_json: bool, lines):
    if as_json:
        click.echo(json.dumps(to_jsonable(data), indent=2))
    else:
        for line in lines:
            click.echo(line)


def _json_arg(text: str | None, what: str = "--data") -> dict:
    if not text:
        return {}
    try:
        value = json.loads(text)
    except json.JSONDecodeError as err:
        raise CliError(f"{what} is not valid JSON: {err.msg} at line {err.lineno} column {err.colno}") from None
    if not isinstance(value, dict):
        raise CliError(f"{what} must be a JSON object like '{{\"field\": \"value\"}}'")
    return value


# -- database and definitions -------------------------------------------------------------------
@cli.command("init-db")
@pass_ctx
def init_db(c: Context):
    """Create or upgrade the database schema."""
    c.db.init_schema()
    click.echo(f"database ready: {c.db.engine.url.render_as_string(hide_password=True)}")


@cli.command()
@click.argument("folders", nargs=-1, required=True, type=click.Path())
@pass_ctx
def deploy(c: Context, folders):
    """Lint and deploy jurisdiction folders (processes/<key>); unchanged files are a no-op."""
    from engine.definitions import deploy as do_deploy
    from engine.definitions import read_folder

    for folder in folders:
        version, created = do_deploy(c.db, read_folder(folder))
        state = "deployed" if created else "unchanged"
        click.echo(f"{state} {version.jurisdiction} {version.content_hash[:12]} (version {version.id})")


@cli.command()
@click.argument("paths", nargs=-1, required=True, type=click.Path())
def lint(paths):
    """Check diagrams, forms and config; prints FILE:LINE: ELEMENT_ID: message per problem."""
    from pathlib import Path

    from engine.definitions import lint_bundle, read_folder

    folders = list(dict.fromkeys(Path(p) if Path(p).is_dir() else Path(p).parent for p in paths))
    problems = []
    for folder in folders:
        problems.extend(lint_bundle(read_folder(folder)))
    for problem in problems:
        click.echo(str(problem))
    if problems:
        sys.exit(1)
    click.echo(f"ok: {', '.join(str(f) for f in folders)}", err=True)


@cli.command("versions")
@click.option("--jurisdiction")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def versions(c: Context, jurisdiction, as_json):
    """List deployed definition versions."""
    from engine.definitions import list_versions

    rows = [{"id": v.id, "jurisdiction": v.jurisdiction, "hash": v.content_hash, "deployed_at": v.deployed_at}
            for v in list_versions(c.db, jurisdiction)]
    _out(rows, as_json, [f"{r['id']:>4}  {r['jurisdiction']:<12} {r['hash'][:12]}  {r['deployed_at']:%Y-%m-%d %H:%M}Z"
                         for r in rows])


# -- users ----------------------------------------------------------------------------------------
@cli.group()
def user():
    """Manage users and their roles."""


@user.command("add")
@click.argument("name")
@click.option("--role", "roles", multiple=True, required=True, help="a role key from the jurisdiction config")
@click.option("--jurisdiction", required=True)
@click.option("--display-name")
@click.option("--password", help="sign-in password for the web pages (use - to be asked for it)")
@click.option("--email", help="where notifications go ('' removes it)")
@click.option("--digest/--no-digest", "mail_digest", default=None,
              help="steps landing in my queue come in the daily digest instead of one mail each")
@pass_ctx
def user_add(c: Context, name, roles, jurisdiction, display_name, password, email, mail_digest):
    from engine.auth import hash_password
    from engine.users import add_user

    if password == "-":
        password = click.prompt("Password", hide_input=True, confirmation_prompt=True)
    digest = hash_password(password, name=name) if password is not None else None
    extra = {"email": email} if email is not None else {}
    u = add_user(c.db, c.cases.registry, name, list(roles), jurisdiction, display_name, password_hash=digest,
                 mail_digest=mail_digest, **extra)
    from engine.user_admin import record

    with c.db.transaction() as s:
        record(s, "cli", u.name, "saved", {"roles": u.roles, "jurisdiction": u.jurisdiction, "email": u.email,
                                           "password_set": password is not None})
    click.echo(f"user {u.name} ({u.jurisdiction}): {', '.join(u.roles)}{' <' + u.email + '>' if u.email else ''}")


@user.command("password")
@click.argument("name")
@click.option("--password", help="the new password (default: asked for)")
@pass_ctx
def user_password(c: Context, name, password):
    """Set a user's sign-in password (signs out their open sessions)."""
    from engine.auth import set_password

    if password is None:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    set_password(c.db, name, password)
    from engine.user_admin import record

    with c.db.transaction() as s:
        record(s, "cli", name, "password_set")
    click.echo(f"password set for {name}")


@user.command("token")
@click.argument("name")
@click.option("--revoke", is_flag=True, help="remove the user's token instead")
@pass_ctx
def user_token(c: Context, name, revoke):
    """Print a new API bearer token for NAME (replaces the previous one; only its hash is stored)."""
    from engine.auth import issue_token, revoke_token
    from engine.users import get_user

    get_user(c.db, name)
    if revoke:
        revoke_token(c.db, name)
        click.echo(f"token of {name} revoked", err=True)
        return
    click.echo(issue_token(c.db, name))


@user.command("list")
@click.option("--jurisdiction")
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True,
              help="how many users, by jurisdiction and name")
@click.option("--all", "everything", is_flag=True, help="every user (a department's employees all have one)")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def user_list(c: Context, jurisdiction, limit, everything, as_json):
    """Users by jurisdiction and name: the first --limit of them, or --all."""
    from engine.users import list_users

    found = first_of(list_users(c.db, jurisdiction, None if everything else limit + 1), limit, everything,
                     f"the first {limit} users shown")
    rows = [{"name": u.name, "display_name": u.display_name, "jurisdiction": u.jurisdiction, "roles": u.roles,
             "email": u.email, "mail_digest": bool(u.mail_digest)} for u in found]
    _out(rows, as_json, [f"{r['name']:<24} {r['jurisdiction']:<12} {r['email'] or '-':<32} {', '.join(r['roles'])}"
                         for r in rows])


# -- cases and tasks ------------------------------------------------------------------------------
@cli.group()
def case():
    """Start and inspect cases."""


@case.command("start")
@click.option("--jurisdiction", required=True)
@click.option("--process", "process_id", required=True)
@click.option("--as", "actor", required=True, help="the user starting the case")
@click.option("--requester", help="record on someone's behalf (staff only)")
@click.option("--data", help="initial data as a JSON object")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def case_start(c: Context, jurisdiction, process_id, actor, requester, data, as_json):
    case_id = c.cases.start_case(jurisdiction, process_id, actor, _json_arg(data), requester=requester)
    _out({"id": case_id}, as_json, [f"case {case_id} started"])


@case.command("show")
@click.argument("case_id", type=int)
@click.option("--as", "actor", required=True, help="the user looking (permissions apply)")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def case_show(c: Context, case_id, actor, as_json):
    view = c.cases.get_case(case_id, actor)
    lines = [f"case {view['id']}: {view['title']}", f"  status {view['status']}  requester {view['requester']}"]
    for name, cl in view["summary"].get("clocks", {}).items():
        due = "held (abeyance)" if cl["held"] else cl["due"]
        lines.append(f"  clock {name}: due {due}, elapsed {cl['elapsed']} day(s) less {cl['days_held']} held")
    for t in view["tasks"]:
        due = f" due {t['due_at']:%Y-%m-%d %H:%M}Z" if t["due_at"] else ""
        lines.append(f"  open: {t['title']} [{t['role']}]{' @' + t['assignee'] if t['assignee'] else ''}{due}")
    if view["summary"].get("outcome"):
        lines.append(f"  outcome: {view['summary']['outcome']}")
    _out(view, as_json, lines)


@case.command("withdraw")
@click.argument("case_id", type=int)
@click.option("--as", "actor", required=True)
@click.option("--reason", default="")
@pass_ctx
def case_withdraw(c: Context, case_id, actor, reason):
    c.cases.withdraw(case_id, actor, reason)
    click.echo(f"case {case_id} withdrawn")


@cli.group()
def task():
    """List, claim, release and complete tasks."""


@task.command("list")
@click.option("--as", "actor", required=True)
@click.option("--scope", type=click.Choice(["all", "mine", "queue"]), default="all")
@click.option("--limit", type=click.IntRange(1, 200), default=50, show_default=True,
              help="how many tasks, soonest due first")
@click.option("--all", "everything", is_flag=True, help="every task (one sorted query; may be long)")
@click.option("--json", "as_json", is_flag=True)
@pass_ctx
def task_list(c: Context, actor, scope, limit, everything, as_json):
    """My tasks and role queues, soonest due first (the first --limit of them, or --all)."""
    if everything:
        rows = c.cases.list_tasks(actor, scope)
        total = len(rows)
    else:
        from engine.inbox import task_page

        found = task_page(c.db, actor, scope, page_size=limit)
        rows, total = found.rows, found.total
    _out([{k: getattr(r, k) for k in ("id", "case_id", "case_title", "title", "role", "assignee",
                                            "requester", "jurisdiction", "due_at", "created_at")}
          for r in rows], as_json,
         [f"{r.id}  case {r.case_id:<5} {r.title} [{r.role}]"
          + (f" @{r.assignee}" if r.assignee else "") + (f" due {r.due_at:%Y-%m-%d %H:%M}Z" if r.due_at else "")
          for r in rows] or ["no tasks"])
    if len(rows) < total:
        click.echo(f"{len(rows)} of {total} tasks shown; use --limit N (up to 200) or --all", err=True)


@task.command("claim")
@click.argument("task_id")
@click.option("--as", "actor", required=True)
@pass_ctx
def task_claim(c: Context, task_id, actor):
    c.cases.claim(task_id, actor)
    click.echo(f"claimed {task_id}")


@task.command("release")
@click.argument("task_id")
@click.option("--as", "actor", required=True)
@pass_ctx
def task_release(c: Context, task_id, actor):
    c.cases.release(task_id, actor)
    click.echo(f"released {task_id}")


@task.command("complete")
@click.argument("task_id")
@click.option("--as", "actor", required=True)
@click.option("--data", help="form data as a JSON object")
@pass_ctx
def task_complete(c: Context, task_id, actor, data):
    case_id = c.cases.complete(task_id, actor, _json_arg(data))
    click.echo(f"completed {task_id} (case {case_id})")


# -- clock, worker, server, demo -------------------------------------------------------------------
@cli.group("clock")
def clock_group():
    """Show or move the simulated clock (RAFLOW_CLOCK=file:PATH)."""


def _file_clock():
    current = clock.clock_from_env()
    if not isinstance(current, clock.FileClock):
        raise CliError("the clock is real time; set RAFLOW_CLOCK=file:PATH to simulate time for training or demos")
    return current


@clock_group.command("show")
def clock_show():
    click.echo(clock.clock_from_env().now().isoformat())


@clock_group.command("set")
@click.argument("instant")
def clock_set(instant):
    fc = _file_clock()
    fc.set(clock.parse_instant(instant))
    click.echo(fc.now().isoformat())


@clock_group.command("advance")
@click.argument("duration")
def clock_advance(duration):
    fc = _file_clock()
    fc.advance(clock.parse_duration(duration))
    click.echo(fc.now().isoformat())


@cli.command()
@click.option("--once", is_flag=True, help="one sweep, then exit")
@click.option("--poll", default=0.5, show_default=True, help="seconds between sweeps")
@pass_ctx
def worker(c: Context, once, poll):
    """Fire due timers and deliver mail from the outbox (runs until interrupted)."""
    from engine import outbox
    from engine.mailer import mailer_from_env
    from engine.worker import run

    mailer = mailer_from_env()
    try:
        fired = run(c.cases, once=once, poll=poll, also=[lambda: outbox.sweep(c.db, c.cases.registry, mailer)])
    except KeyboardInterrupt:
        return
    if once:
        click.echo(f"fired {fired} timer(s)")


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--workers", default=4, show_default=True, type=int)
@click.option("--debug", is_flag=True, help="Flask's development server instead of gunicorn")
@pass_ctx
def serve(c: Context, host, port, workers, debug):
    """Serve the web app and JSON API (gunicorn)."""
    from .server import serve as run_server

    run_server(c.database_url, host, port, workers, debug)


@cli.command()
@click.option("--cases", "n_cases", default=0, show_default=True, type=click.IntRange(0, 5000),
              help="also drive this many demo cases through the real procedures over the past months")
@click.option("--months", default=6, show_default=True, type=click.IntRange(1, 36))
@click.option("--if-empty", is_flag=True, help="create the demo cases only when the database has no case yet")
@pass_ctx
def demo(c: Context, n_cases, months, if_empty):
    """Create the demo users of every deployed jurisdiction, password "demo" (see README), and demo cases."""
    from .demo import load_demo

    for line in load_demo(c):
        click.echo(line)
    if n_cases and if_empty and _has_cases(c):
        click.echo("demo cases: the database already has cases; none added")
    elif n_cases:
        from .demo_cases import make_demo_cases

        runs = make_demo_cases(c.cases, n_cases, months)
        for r in runs:
            click.echo(f"case {r.case_id} ({r.jurisdiction}, {r.goal}): {r.steps} step(s), {r.stopped_because}")


def _has_cases(c: Context) -> bool:
    with c.cases.db.engine.connect() as conn:
        return conn.exec_driver_sql("SELECT 1 FROM ra_case LIMIT 1").first() is not None


from .cli_reports import report  # noqa: E402

cli.add_command(report)


from .cli_security import register as _register_security  # noqa: E402 - issue 8 commands

_register_security(cli, case, user)

for _command in LETTER_COMMANDS:  # issue 11: raflow case letters / letter / correct-letter
    case.add_command(_command)

from .cli_studio import register as register_studio  # noqa: E402  (invariants, scenario, diff, migrate)

register_studio(cli)


from .cli_mail import outbox_group  # noqa: E402 - registered after the core commands
from .cli_users import add_to as _add_user_admin  # noqa: E402

cli.add_command(outbox_group)
_add_user_admin(user)
from .cli_assign import task_assign  # noqa: E402 - issue 12

task.add_command(task_assign)


def main(argv=None):
    try:
        cli.main(args=argv, prog_name="raflow", standalone_mode=False)
    except click.exceptions.Abort:
        click.echo("raflow: aborted", err=True)
        sys.exit(1)
    except click.ClickException as err:
        err.show()
        sys.exit(err.exit_code)
    except DefinitionError as err:
        for problem in err.problems:
            click.echo(str(problem), err=True)
        click.echo(f"raflow: {err}", err=True)
        sys.exit(1)
    except ValidationFailed as err:
        for field, message in err.errors.items():
            click.echo(f"  {field}: {message}", err=True)
        click.echo(f"raflow: {err}", err=True)
        sys.exit(1)
    except RaflowError as err:
        click.echo(f"raflow: {err}", err=True)
        sys.exit(1)
    except ValueError as err:
        click.echo(f"raflow: {err}", err=True)
        sys.exit(1)
    except Exception as err:
        if not _is_database_error(err):
            raise
        hint = " (run `raflow init-db` first?)" if "no such table" in str(err) or "does not exist" in str(err) else ""
        click.echo(f"raflow: database error: {str(err.orig).splitlines()[0]}{hint}", err=True)
        sys.exit(1)


def _is_database_error(err) -> bool:
    """SQLAlchemy's operational and programming errors (looked up, not imported: a command that never
    touched the database has not loaded SQLAlchemy, and then the error cannot be one)."""
    exc = sys.modules.get("sqlalchemy.exc")
    return exc is not None and isinstance(err, exc.OperationalError | exc.ProgrammingError)


if __name__ == "__main__":
    main()
