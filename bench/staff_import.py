"""How long a staff import takes: preview and apply of generated files, on SQLite and PostgreSQL.

    .venv/bin/python bench/staff_import.py [--rows 10000 50000] [--sqlite-only]
                                           [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

For each size, a CSV of that many people is generated (valid IINs, three institutes of ten
departments each, one head per department, disciplines, employment dates) and imported into the demo
university: preview (reading, checking and planning), then apply (the same plan again under the
import lock, all rows written with their audit entries, one commit). Then the same file is
imported again, which must change nothing, and a file with every tenth position changed, which must
update a tenth of the people. Each backend starts from a fresh database (SQLite in a temporary
file; PostgreSQL in a schema bench_import_<pid> of --postgres-url or BENCH_DATABASE_URL, dropped at
the end). Figures are printed, never checked.
"""

from __future__ import annotations

import argparse
import csv
import io
import os
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

from sqlalchemy import Engine, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from workflows import migrate
from workflows.clock import FrozenClock
from workflows.db import make_engine, make_session_factory
from workflows.org.demo import load_demo
from workflows.org.identifiers import iin_check_digit
from workflows.org.staff_import import StaffApplied, apply_staff, preview_staff
from workflows.org.staff_plan import ImportFile, StaffPreview
from workflows.org.staff_rows import EXPORT_ORDER

DEFAULT_POSTGRES_URL = "postgresql://postgres@127.0.0.1:5432/test"
MAX_BYTES = 100 * 1024 * 1024
CLOCK = FrozenClock(datetime.fromisoformat("2026-03-01T09:00:00+05:00"))


def iins() -> Iterator[str]:
    for year in range(50, 100):
        for serial in range(100_000):
            first = f"{year:02d}0101{serial:05d}"
            digit = iin_check_digit(first)
            if digit is not None:
                yield f"{first}{digit}"


def staff_file(rows: int, changed_every: int = 0) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";", lineterminator="\n")
    writer.writerow(EXPORT_ORDER[:13])
    heads: set[str] = set()
    for i, iin in zip(range(rows), iins(), strict=False):
        institute, department = i % 3, (i // 3) % 10
        path = f"Институт {institute + 1} / Кафедра {institute + 1}.{department + 1}"
        role = "department_head" if path not in heads else ""
        heads.add(path)
        position = "Профессор" if changed_every and i % changed_every == 0 else "Оқытушы"
        writer.writerow(
            [
                f"B{i:06d}",
                iin,
                f"Фамилия{i}",
                "Аты",
                "Әкесінің аты",
                f"b{i}@example.kz",
                ("kk", "ru")[i % 2],
                position,
                "teaching",
                path,
                role,
                "2015-09-01",
                "Математика, Физика",
            ]
        )
    return out.getvalue().encode("utf-8")


def _preview(factory: sessionmaker[Session], data: bytes) -> tuple[StaffPreview, float]:
    with factory() as session:
        started = time.perf_counter()
        preview = preview_staff(session, None, ImportFile(data, MAX_BYTES), CLOCK)
        seconds = time.perf_counter() - started
        session.rollback()
    return preview, seconds


def _apply(factory: sessionmaker[Session], data: bytes) -> tuple[StaffApplied, float]:
    """Apply and commit (the commit is part of the time)."""
    with factory() as session:
        started = time.perf_counter()
        done = apply_staff(session, None, ImportFile(data, MAX_BYTES), CLOCK)
        session.commit()
    return done, time.perf_counter() - started


def measure(name: str, engine: Engine, sizes: list[int]) -> list[str]:
    migrate.upgrade(engine)
    factory: sessionmaker[Session] = make_session_factory(engine)
    with factory() as session:
        load_demo(session)
        session.commit()
    lines = []
    for rows in sizes:
        data = staff_file(rows)
        preview, preview_s = _preview(factory, data)
        _, apply_s = _apply(factory, data)
        again, again_s = _preview(factory, data)
        updated, update_s = _apply(factory, staff_file(rows, changed_every=10))
        lines.append(
            f"{name:<10} {rows:>7} {len(preview.to_add):>7} {preview_s:>9.2f} {apply_s:>9.2f} "
            f"{again_s:>11.2f} {len(again.to_update) + len(again.to_add):>8} "
            f"{update_s:>11.2f} {updated.updated:>8}"
        )
        _clear(engine)
    return lines


def _clear(engine: Engine) -> None:
    """Back to the demo university alone before the next size."""
    with engine.begin() as conn:
        bench = "SELECT id FROM person WHERE personnel_number LIKE 'B%'"
        conn.execute(text(f"DELETE FROM role_assignment WHERE person_id IN ({bench})"))
        conn.execute(
            text(f"DELETE FROM audit_entry WHERE subject_kind = 'person' AND subject_id IN ({bench})")
        )
        conn.execute(text("DELETE FROM person WHERE personnel_number LIKE 'B%'"))
        parents = "SELECT parent_id FROM org_unit WHERE parent_id IS NOT NULL"
        for _level in ("departments", "institutes"):  # children first
            conn.execute(text(f"DELETE FROM org_unit WHERE code LIKE 'u-%' AND id NOT IN ({parents})"))


def main() -> int:
    parser = argparse.ArgumentParser(description="Staff import times of Biliktilik.")
    parser.add_argument("--rows", type=int, nargs="+", default=[10_000, 50_000], help="file sizes in rows")
    parser.add_argument("--sqlite-only", action="store_true", help="skip PostgreSQL")
    parser.add_argument(
        "--postgres-url",
        default=os.environ.get("BENCH_DATABASE_URL", DEFAULT_POSTGRES_URL),
        help="PostgreSQL URL",
    )
    args = parser.parse_args()
    header = (
        f"{'database':<10} {'rows':>7} {'added':>7} {'preview s':>9} {'apply s':>9} "
        f"{'re-import s':>11} {'changes':>8} {'10% upd. s':>11} {'updated':>8}"
    )
    lines = [header]
    with tempfile.TemporaryDirectory() as workdir:
        engine = make_engine(f"sqlite:///{Path(workdir) / 'bench.sqlite3'}")
        try:
            lines += measure("SQLite", engine, args.rows)
        finally:
            engine.dispose()
    note = ""
    if not args.sqlite_only:
        try:
            lines += _postgres(args.postgres_url, args.rows)
        except OperationalError as exc:
            note = f"PostgreSQL skipped: {str(exc.orig or exc).strip().splitlines()[0]}"
    print("Staff import: preview and apply times (seconds, one process, 2 shared cores)")
    print("\n".join(lines))
    if note:
        print(note)
    return 0


def _postgres(url: str, sizes: list[int]) -> list[str]:
    schema = f"bench_import_{os.getpid()}"
    admin = make_engine(url)
    with admin.begin() as conn:
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    engine = make_engine(url, connect_args={"options": f"-csearch_path={schema}"})
    try:
        return measure("PostgreSQL", engine, sizes)
    finally:
        engine.dispose()
        with admin.begin() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


if __name__ == "__main__":
    sys.exit(main())
