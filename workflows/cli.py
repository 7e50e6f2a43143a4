"""The `biliktilik` command: database, diagrams, demo data, the worker, and cases from the shell."""

from __future__ import annotations

import gc
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any, NoReturn

import click
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, DBAPIError
from sqlalchemy.orm import Session

from workflows import migrate
from workflows.calendar import local_date
from workflows.cases.history import history
from workflows.cases.inbox import inbox
from workflows.cases.models import ProcessInstance
from workflows.cases.start import start_case
from workflows.cases.tasks import claim_task, complete_task, release_task
from workflows.clock import Clock, FrozenClock, SystemClock
from workflows.db import ID_MAX, make_engine, make_session_factory
from workflows.definitions.publishing import ShippedOutcome, publish_directory
from workflows.errors import DefinitionInvalid, DomainError, ValidationFailed
from workflows.json_text import MAX_DEPTH, Unreadable, UnreadableJson, read_json, strings
from workflows.language import LOCALES
from workflows.org.demo import load_demo
from workflows.org.import_commands import export_staff_cmd, import_staff, import_training
from workflows.org.models import Person
from workflows.records.next_year import as_csv, as_xlsx, rows
from workflows.records.standing import Scope, Status, find_unit, standings
from workflows.reports.purge_command import purge_cmd
from workflows.worker import JobListener, fire_due_jobs, run_worker

ID = click.IntRange(1, ID_MAX)  # a larger number names nothing and cannot be sent
NUL = "\x00"


class Name(click.ParamType):
    """A login, process key or worker name: text without NUL characters (no text column holds one)."""

    name = "text"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        if NUL in str(value):
            self.fail("must not contain NUL characters", param, ctx)
        return str(value)


NAME = Name()


class Moment(click.ParamType):
    """An ISO date-time with its UTC offset (a moment, not a wall-clock time somewhere)."""

    name = "moment"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> FrozenClock:
        if isinstance(value, FrozenClock):
            return value
        try:
            moment = datetime.fromisoformat(str(value))
        except ValueError:
            self.fail(f"'{value}' is not an ISO date-time such as 2026-04-06T09:00+05:00", param, ctx)
        if moment.tzinfo is None:
            self.fail(f"'{value}' has no UTC offset: add one, such as +05:00", param, ctx)
        try:
            return FrozenClock(moment)
        except OverflowError:
            self.fail(f"'{value}' is out of the calendar's range", param, ctx)


class DatabaseUrl(click.ParamType):
    name = "url"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> str:
        try:
            make_url(str(value))
        except ArgumentError:
            self.fail("not a database URL such as postgresql://user@host/name or sqlite:///file", param, ctx)
        return str(value)


_UNREADABLE = {
    Unreadable.SYNTAX: "not JSON: {e.detail} (line {e.line}, column {e.column})",
    Unreadable.DEPTH: f"the JSON is nested deeper than {MAX_DEPTH} levels",
    Unreadable.NUMBER: "a number is infinite, not a number or too long to read",
}


class JsonObject(click.ParamType):
    """A JSON object, given inline or as @file: finite numbers, no NUL characters."""

    name = "json"

    def convert(self, value: Any, param: click.Parameter | None, ctx: click.Context | None) -> dict[str, Any]:
        if isinstance(value, dict):
            return value
        text = str(value)
        if text.startswith("@"):
            try:
                text = Path(text[1:]).read_text("utf-8")
            except OSError as exc:
                self.fail(f"cannot read {text[1:]}: {exc.strerror or exc}", param, ctx)
            except UnicodeDecodeError:
                self.fail(f"{text[1:]} is not UTF-8 text", param, ctx)
        try:
            data = read_json(text)
        except UnreadableJson as exc:
            self.fail(_UNREADABLE[exc.reason].format(e=exc), param, ctx)
        if not isinstance(data, dict):
            self.fail("the data must be a JSON object", param, ctx)
        if any(NUL in text for text in strings(data)):
            self.fail("the data must not contain NUL characters", param, ctx)
        return data


class Commands(click.Group):
    """Refusals of every command end here: one line on stderr and a non-zero exit, never a traceback."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except DomainError as exc:
            _report(exc)
        except DBAPIError as exc:
            reason = (
                str(exc.orig).strip().splitlines()[0] if str(exc.orig).strip() else type(exc.orig).__name__
            )
            raise click.ClickException(f"the database did not answer as expected: {reason}") from exc


class Context:
    def __init__(self, database: str | None, clock: Clock | None) -> None:
        try:
            self.engine = make_engine(database)
        except (ArgumentError, ImportError) as exc:
            raise click.BadParameter(str(exc).splitlines()[0], param_hint="--database") from exc
        self.factory = make_session_factory(self.engine)
        self.clock: Clock = clock or SystemClock()

    @contextmanager
    def session(self) -> Iterator[Session]:
        """The CLI's one commit point: the end of the command."""
        with self.factory() as session:
            try:
                yield session
                session.commit()
            except DomainError as exc:
                if exc.keeps_writes:  # an incident recorded for a failed step
                    session.commit()
                else:
                    session.rollback()
                raise
            except BaseException:
                session.rollback()
                raise

    def person(self, session: Session, username: str) -> Person:
        person = session.scalar(select(Person).where(Person.username == username))
        if person is None:
            raise click.ClickException(f"no person '{username}'")
        return person


pass_ctx = click.make_pass_decorator(Context)


@click.group(cls=Commands)
@click.option(
    "--database", envvar="DATABASE_URL", type=DatabaseUrl(), help="SQLAlchemy URL (default: SQLite in var/)."
)
@click.option(
    "--now", type=Moment(), help="Act as of this ISO date-time (with offset), e.g. 2026-04-06T09:00+05:00."
)
@click.pass_context
def main(ctx: click.Context, database: str | None, now: FrozenClock | None) -> None:
    """Biliktilik: qualification improvement of university staff."""
    ctx.obj = Context(database, now)
    ctx.call_on_close(ctx.obj.engine.dispose)


@main.command("upgrade-db")
@pass_ctx
def upgrade_db(ctx: Context) -> None:
    """Create or upgrade the database schema."""
    migrate.upgrade(ctx.engine)
    click.echo("database is up to date")


@main.command()
@click.option(
    "--force",
    is_flag=True,
    help="Publish the shipped diagrams even over versions process owners published in the browser.",
)
@pass_ctx
def publish(ctx: Context, force: bool) -> None:
    """Deploy the diagrams in bpmn/: new content is published; content published before, and a
    process owner's live version, are left alone (unless --force)."""
    try:
        with ctx.session() as session:
            for shipped in publish_directory(session, ctx.clock, force=force):
                click.echo(f"{shipped.process_key}: {_SHIPPED[shipped.outcome].format(v=shipped.version)}")
    except DefinitionInvalid as exc:
        for p in exc.problems:
            click.echo(f"  {p.element_id or '-'} (line {p.line or '?'}): {p.message}", err=True)
        raise click.ClickException("the diagram was not published") from exc


_SHIPPED = {
    ShippedOutcome.PUBLISHED: "version {v} published",
    ShippedOutcome.UNCHANGED: "unchanged (this diagram is version {v})",
    ShippedOutcome.KEPT: "version {v}, published by a process owner, stays live (--force replaces it)",
}


@main.command("load-demo")
@pass_ctx
def load_demo_cmd(ctx: Context) -> None:
    """Add the demo university (an institute, two departments, a person for each role)."""
    with ctx.session() as session:
        added = load_demo(session)
    click.echo(f"demo university ready ({added} people added); password for every demo login: demo")


@main.command()
@pass_ctx
def setup(ctx: Context) -> None:
    """upgrade-db + publish + load-demo, in one go."""
    click.get_current_context().invoke(upgrade_db)
    click.get_current_context().invoke(publish)
    click.get_current_context().invoke(load_demo_cmd)


@main.command()
@click.option("--once", is_flag=True, help="Fire what is due now and exit.")
@click.option("--name", default="worker", type=NAME, help="This worker's name in the job table.")
@click.option(
    "--max-sleep",
    "--poll",
    "max_sleep",
    default=5.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="The longest it sleeps between passes: it wakes when the next job is due and, on PostgreSQL, "
    "as soon as a job is committed.",
)
@pass_ctx
def worker(ctx: Context, once: bool, name: str, max_sleep: float) -> None:
    """Fire due timers and send queued emails."""
    if once:
        result = fire_due_jobs(ctx.factory, ctx.clock, name)
        click.echo(f"done {result.done}, retried {result.retried}, failed {result.failed}")
        return
    # Everything loaded so far lives as long as the process: keep it out of full collections,
    # which otherwise showed up as ~90 ms pauses in step latency.
    gc.freeze()
    stop = threading.Event()
    listener = JobListener(ctx.engine) if JobListener.wanted(ctx.engine) else None
    try:
        run_worker(ctx.factory, ctx.clock, stop, name, max_sleep, wait=listener.wait if listener else None)
    except KeyboardInterrupt:
        stop.set()
    finally:
        if listener is not None:
            listener.close()


def _report(exc: DomainError) -> NoReturn:
    if isinstance(exc, ValidationFailed):
        for e in exc.errors:
            click.echo(f"  {e.field}: {e.message}", err=True)
    raise click.ClickException(str(exc)) from exc


@main.command()
@click.option("--as", "username", required=True, type=NAME)
@click.option("--process", default="qualification_request", type=NAME)
@click.option("--data", required=True, type=JsonObject(), help="JSON object, or @file.json")
@pass_ctx
def start(ctx: Context, username: str, process: str, data: dict[str, Any]) -> None:
    """Start a case with the start form's data."""
    with ctx.session() as session:
        ref = start_case(session, process, ctx.person(session, username).id, data, ctx.clock)
    click.echo(f"case {ref.id} ({ref.business_key}) {ref.status}; open tasks: {ref.open_tasks}")


@main.command()
@click.option("--as", "username", required=True, type=NAME)
@pass_ctx
def tasks(ctx: Context, username: str) -> None:
    """List what a person can act on now."""
    with ctx.session() as session:
        page = inbox(session, ctx.person(session, username).id, ctx.clock)
    for item in page.items:
        flag = " OVERDUE" if item.overdue else ""
        claimed = f" [claimed by {item.assignee_name}]" if item.claimed_by_other else ""
        click.echo(
            f"{item.task_id}\t{item.business_key}\t{item.name}\t{item.subject_name}\t"
            f"{item.summary.get('course') or ''}\tdue {item.due_date or '-'}{flag}{claimed}"
        )
    click.echo(f"{page.total} task(s)")


@main.command()
@click.argument("task_id", type=ID)
@click.option("--as", "username", required=True, type=NAME)
@click.option("--data", default="{}", type=JsonObject(), help="JSON object, or @file.json")
@pass_ctx
def complete(ctx: Context, task_id: int, username: str, data: dict[str, Any]) -> None:
    """Complete a task with its form's data."""
    with ctx.session() as session:
        ref = complete_task(session, task_id, ctx.person(session, username).id, data, ctx.clock)
    click.echo(f"case {ref.id} {ref.status}; open tasks: {ref.open_tasks}")


@main.command()
@click.argument("task_id", type=ID)
@click.option("--as", "username", required=True, type=NAME)
@click.option("--release", is_flag=True)
@pass_ctx
def claim(ctx: Context, task_id: int, username: str, release: bool) -> None:
    """Claim a role task (or --release it)."""
    with ctx.session() as session:
        actor = ctx.person(session, username).id
        action = release_task if release else claim_task
        action(session, task_id, actor, ctx.clock)
    click.echo("released" if release else "claimed")


@main.command("history")
@click.argument("case_id", type=ID)
@pass_ctx
def history_cmd(ctx: Context, case_id: int) -> None:
    """Print a case's event log."""
    with ctx.session() as session:
        if session.get(ProcessInstance, case_id) is None:
            raise click.ClickException(f"there is no case {case_id}")
        for entry in history(session, case_id):
            who = entry.actor_name or "system"
            click.echo(
                f"{entry.at.isoformat(timespec='seconds')}\t{entry.kind}\t{entry.element_id or ''}\t{who}\t"
                f"{entry.comment or ''}"
            )


@main.command("standing")
@click.option("--unit", type=NAME, help="A unit's code or name (its people and the units below it).")
@click.option("--status", type=click.Choice([s.value for s in Status]), help="Only people with this status.")
@click.option(
    "--format", "form", required=True, type=click.Choice(["csv", "xlsx"]), help="The table's format."
)
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True), help="Write to this file (CSV: stdout)."
)
@click.option("--locale", default="kk", type=click.Choice(list(LOCALES)), show_default=True)
@pass_ctx
def standing_cmd(
    ctx: Context, unit: str | None, status: str | None, form: str, out: str | None, locale: str
) -> None:
    """Everyone's periodicity standing as a table: a header row, then one row per person."""
    if form == "xlsx" and not out:
        raise click.UsageError("an XLSX table needs --out FILE")
    with ctx.session() as session:
        day = local_date(ctx.clock.now())
        scope = Scope()
        if unit is not None:
            found = find_unit(session, unit)
            if found is None:
                raise click.ClickException(f"no unit with the code or name '{unit}'")
            scope = Scope.units([found])
        result = standings(session, scope, day)
        chosen = [s for s in result.items if not status or s.status == status]
        table = rows(chosen, result.units, locale)
    if form == "csv":
        text = as_csv(table)
        if out:
            _write(out, text.encode("utf-8"))
        else:
            click.echo(text, nl=False)
    else:
        _write(out or "", as_xlsx(table, "standing"))
    if out:
        click.echo(f"{len(chosen)} people written to {out}", err=True)


def _write(path: str, data: bytes) -> None:
    try:
        Path(path).write_bytes(data)
    except OSError as exc:
        raise click.ClickException(f"cannot write {path}: {exc.strerror or exc}") from exc


main.add_command(import_staff)
main.add_command(export_staff_cmd)
main.add_command(import_training)
main.add_command(purge_cmd)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
