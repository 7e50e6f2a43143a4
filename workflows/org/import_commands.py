"""`biliktilik import-staff`, `export-staff` and `import-training`: the same services as the import
pages, for HR's nightly export from their other system. A file with any row error applies nothing
and exits non-zero; the preview names each error's data row (from 1 after the header) and column."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING

import click
from sqlalchemy.orm import Session

from workflows.org.history_import import apply_training, preview_training
from workflows.org.import_wording import RowProblem
from workflows.org.staff_export import csv_file, export_staff, xlsx_file
from workflows.org.staff_import import apply_staff, preview_staff
from workflows.org.staff_plan import ImportFile, PersonChange, StaffPreview

if TYPE_CHECKING:
    from workflows.cli import Context

MEGABYTE = 1024 * 1024
FILE = click.Path(exists=True, dir_okay=False, path_type=Path)
max_mb_option = click.option(
    "--max-mb",
    envvar="IMPORT_MAX_MB",
    default=20,
    show_default=True,
    type=click.IntRange(1, 1024),
    help="Larger files are refused before they are read (the IMPORT_MAX_MB setting).",
)


def read_file(path: Path, max_mb: int) -> bytes:
    """The file's bytes; a file over the limit is refused before it is read."""
    if path.stat().st_size > max_mb * MEGABYTE:
        raise click.ClickException(f"{path} is larger than {max_mb} MB; nothing was imported")
    try:
        return path.read_bytes()
    except OSError as exc:
        raise click.ClickException(f"cannot read {path}: {exc.strerror or exc}") from exc


def echo_problems(problems: list[RowProblem]) -> None:
    for p in problems:
        click.echo(f"  error: {p.line()}", err=True)
    if problems:
        raise click.ClickException(f"{len(problems)} error(s) in the file; nothing was imported")


def stops_here(session: Session, problems: list[RowProblem], dry_run: bool) -> bool:
    """After the preview: refuse a file with errors; on a dry run, change nothing and stop."""
    echo_problems(problems)
    if dry_run:
        click.echo("dry run: nothing was changed")
        session.rollback()
    return dry_run


def _person_line(sign: str, change: PersonChange) -> str:
    where = f"row {change.row}" if change.row is not None else "not in the file"
    text = f"  {sign} {change.personnel_number or '-'} {change.name} ({where})"
    fields = [f"{name}: {before!r} -> {after!r}" for name, (before, after) in change.changes.items()]
    fields += [f"seat +{seat}" for seat in change.seats_added] + [
        f"seat -{seat}" for seat in change.seats_ended
    ]
    return text + (": " + "; ".join(fields) if fields and sign != "+" else "")


def echo_preview(preview: StaffPreview) -> None:
    click.echo(
        f"rows {preview.rows}: add {len(preview.to_add)}, update {len(preview.to_update)}, "
        f"deactivate {len(preview.to_deactivate)}, unchanged {preview.unchanged}, "
        f"new units {len(preview.new_units)}, errors {len(preview.problems)}"
    )
    if preview.ignored_columns:
        click.echo(f"  ignored columns: {', '.join(preview.ignored_columns)}")
    for path in preview.new_units:
        click.echo(f"  unit + {path}")
    for sign, changes in (("+", preview.to_add), ("~", preview.to_update), ("-", preview.to_deactivate)):
        for change in changes:
            click.echo(_person_line(sign, change))


@click.command("import-staff")
@click.argument("path", metavar="FILE", type=FILE)
@click.option("--dry-run", is_flag=True, help="Print the preview and change nothing.")
@click.option(
    "--full-register",
    is_flag=True,
    help="The file is the whole staff: people from HR missing from it leave today.",
)
@max_mb_option
@click.pass_obj
def import_staff(ctx: Context, path: Path, dry_run: bool, full_register: bool, max_mb: int) -> None:
    """Import people and their seats from a CSV or XLSX file (see docs/import.md)."""
    file = ImportFile(read_file(path, max_mb), max_mb * MEGABYTE, full_register, path.name)
    with ctx.session() as session:
        preview = preview_staff(session, None, file, ctx.clock)
        echo_preview(preview)
        if stops_here(session, preview.problems, dry_run):
            return
        done = apply_staff(session, None, file, ctx.clock, expected_digest=preview.digest)
    click.echo(
        f"imported: {done.added} added, {done.updated} updated, {done.deactivated} deactivated, "
        f"{done.units_created} units created"
    )


@click.command("export-staff")
@click.option("--format", "kind", type=click.Choice(["csv", "xlsx"]), default="csv", show_default=True)
@click.option(
    "--out", type=click.Path(dir_okay=False, writable=True, path_type=Path), help="Default: stdout."
)
@click.option("--language", type=click.Choice(["kk", "ru", "en"]), default="kk", show_default=True)
@click.pass_obj
def export_staff_cmd(ctx: Context, kind: str, out: Path | None, language: str) -> None:
    """Write people and their seats in the import's format (importing it back changes nothing)."""
    with ctx.session() as session:
        rows = export_staff(session, None, ctx.clock, language)
    data = csv_file(rows) if kind == "csv" else xlsx_file(rows)
    if out is None:
        sys.stdout.buffer.write(data)
        return
    out.write_bytes(data)
    click.echo(f"{len(rows) - 1} people written to {out}", err=True)


@click.command("import-training")
@click.argument("path", metavar="FILE", type=FILE)
@click.option("--dry-run", is_flag=True, help="Print the preview and change nothing.")
@max_mb_option
@click.pass_obj
def import_training(ctx: Context, path: Path, dry_run: bool, max_mb: int) -> None:
    """Import past training (one row per training; see docs/import.md) into the training records."""
    file = ImportFile(read_file(path, max_mb), max_mb * MEGABYTE, name=path.name)
    with ctx.session() as session:
        preview = preview_training(session, None, file, ctx.clock)
        click.echo(
            f"rows {preview.rows}: add {len(preview.to_add)}, update {len(preview.to_update)}, "
            f"unchanged {preview.unchanged}, errors {len(preview.problems)}"
        )
        for sign, lines in (("+", preview.to_add), ("~", preview.to_update)):
            for line in lines:
                click.echo(
                    f"  {sign} {line.personnel_number} {line.course} "
                    f"{line.start_date}..{line.end_date} (row {line.row})"
                )
        if stops_here(session, preview.problems, dry_run):
            return
        done = apply_training(session, None, file, ctx.clock, expected_digest=preview.digest)
    click.echo(f"imported: {done.added} added, {done.updated} updated")
