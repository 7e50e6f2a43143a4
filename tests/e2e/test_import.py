"""In Chromium: HR imports a 300-person XLSX of three institutes, reads the reported error with its
row and column, fixes the file, uploads it again and applies it; the people and their seats exist."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from tests.e2e.conftest import LiveServer, People
from tests.staff_files import iins, staff_row, xlsx_bytes
from workflows.org.models import OrgUnit, Person, RoleAssignment

INSTITUTES = ("Инженерия институты", "Экономика институты", "Педагогика институты")


def _rows(bad_row: int | None) -> list[list[str]]:
    rows = []
    for i, iin in zip(range(300), iins("8802023"), strict=False):
        institute = INSTITUTES[i % 3]
        department = f"{institute.split()[0]} кафедрасы {i % 5 + 1}"
        rows.append(
            staff_row(
                f"E{i:04d}",
                "880202300000" if i + 1 == bad_row else iin,  # a wrong check digit
                unit_path=f"{institute} / {department}",
                roles="department_head" if i < 15 else "",
            )
        )
    return rows


def test_hr_imports_fixes_an_error_and_applies(people: People, live: LiveServer, tmp_path: Path) -> None:
    page = people("hr")
    broken, fixed = tmp_path / "staff.xlsx", tmp_path / "staff-fixed.xlsx"
    broken.write_bytes(xlsx_bytes(_rows(bad_row=42)))
    fixed.write_bytes(xlsx_bytes(_rows(bad_row=None)))

    page.goto(f"{live.url}/admin/import")
    page.set_input_files("#staff-file", str(broken))
    page.click("form:has(#staff-file) button[type=submit]")
    errors = page.locator("#import-errors tbody tr")
    assert errors.count() == 1
    assert errors.first.locator("td").nth(0).inner_text() == "42"
    assert "ЖСН" in errors.first.inner_text()
    assert page.locator("form[action$='/apply']").count() == 0

    page.goto(f"{live.url}/admin/import")
    page.set_input_files("#staff-file", str(fixed))
    page.click("form:has(#staff-file) button[type=submit]")
    assert "Қосылады: 300" in page.locator("#import-counts").inner_text()
    page.click("form[action$='/apply'] button[type=submit]")
    page.wait_for_selector(".notice--success")

    with live.sessions() as s:
        assert (
            s.scalar(select(func.count()).select_from(Person).where(Person.personnel_number.like("E%")))
            == 300
        )
        heads = s.scalar(
            select(func.count()).select_from(RoleAssignment).where(RoleAssignment.role == "department_head")
        )
        assert heads == 2 + 15  # the demo's two and the file's
        assert (
            s.scalar(select(func.count()).select_from(OrgUnit).where(OrgUnit.code.like("u-%"))) == 2 + 15
        )  # the demo has the first institute
