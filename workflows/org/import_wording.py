"""What an import says about a file and its rows: one code per problem, its English text (the
catalogues' message id, said in the reader's language by the web app) and where it is (the data
row, counting from 1 after the header, and the column)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from workflows.wording import N_, english

IMPORT_PROBLEMS: dict[str, str] = {
    # The file as a whole
    "too_large": N_("The file is larger than %(max_mb)s MB."),
    "empty": N_("The file is empty: it needs a header row and at least one row of data."),
    "not_a_table": N_("This is not a CSV or XLSX file; save the table as CSV (UTF-8) or XLSX."),
    "old_excel": N_("This is an old Excel file (.xls); save it as XLSX or CSV (UTF-8)."),
    "unreadable_xlsx": N_("The XLSX file cannot be read (it is damaged or not a workbook)."),
    "encoding": N_("The text is neither UTF-8 nor Windows-1251; save the file as CSV UTF-8."),
    "missing_columns": N_("Required columns are missing: %(columns)s."),
    "identifier_columns": N_("The file needs a personnel number column or an IIN column."),
    "duplicate_column": N_("The column “%(header)s” is there twice."),
    "no_root": N_("There is no university (a unit without a parent) to place the units in."),
    # One row
    "required": N_("A value is required."),
    "no_identifier": N_("Either a personnel number or an IIN is required."),
    "too_long": N_("At most %(max)s characters."),
    "bad_iin": N_("“%(value)s” is not a valid IIN (12 digits with a correct check digit)."),
    "bad_date": N_("“%(value)s” is not a date (write 2026-03-21 or 21.03.2026)."),
    "bad_email": N_("“%(value)s” is not an email address."),
    "bad_hours": N_("“%(value)s” is not a whole number of hours (1 to 2000)."),
    "end_before_start": N_("The end date is before the start date."),
    "unknown_category": N_("Unknown staff category “%(value)s”."),
    "unknown_language": N_("Unknown language “%(value)s” (kk, ru or en)."),
    "unknown_role": N_("Unknown role “%(value)s”."),
    "unknown_form": N_("Unknown form of training “%(value)s”."),
    "role_format": N_("“%(value)s” is not written as role@unit."),
    "bad_path": N_("The unit path “%(value)s” has an empty part."),
    "closed_unit": N_("The unit “%(unit)s” is closed."),
    "unknown_unit": N_("There is no unit “%(unit)s”."),
    "ambiguous_unit": N_("Several units are called “%(unit)s”: write its path instead."),
    "duplicate_number": N_("The personnel number %(value)s is also in row %(other)s."),
    "duplicate_iin": N_("The IIN %(value)s is also in row %(other)s."),
    "duplicate_username": N_("The login %(value)s is also in row %(other)s."),
    "duplicate_training": N_("The same training is also in row %(other)s."),
    "iin_taken": N_("The IIN %(value)s belongs to %(name)s, whose personnel number is %(number)s."),
    "username_taken": N_("The login %(value)s belongs to someone else."),
    "role_for_leaver": N_("A person who leaves cannot be given a seat."),
    "unknown_person": N_("There is no person with the personnel number %(value)s."),
}

# The columns' names as the web app shows them (the file's own headers are in docs/import.md).
COLUMN_LABELS: dict[str, str] = {
    "personnel_number": N_("Personnel number"),
    "iin": N_("IIN"),
    "username": N_("Login"),
    "last_name": N_("Last name"),
    "first_name": N_("First name"),
    "patronymic": N_("Patronymic"),
    "email": N_("Email"),
    "language": N_("Language"),
    "position": N_("Position"),
    "staff_category": N_("Staff category"),
    "unit_path": N_("Unit"),
    "roles": N_("Roles"),
    "employment_start": N_("Employment start"),
    "disciplines": N_("Disciplines"),
    "left_on": N_("Leaving date"),
    "full_name": N_("Full name"),
    "is_active": N_("Works here"),
    "course": N_("Course"),
    "provider": N_("Provider"),
    "form": N_("Form"),
    "start_date": N_("Start"),
    "end_date": N_("End"),
    "hours": N_("Hours"),
    "certificate_number": N_("Certificate number"),
}


@dataclass(frozen=True)
class RowProblem:
    """One thing wrong with the file (`row` None) or with a data row (`row` from 1 after the header)."""

    row: int | None
    column: str | None
    code: str
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return english(IMPORT_PROBLEMS, self.code, self.params)

    def line(self) -> str:
        """The English line the command line prints: "row 3, iin: … ", or the file's problem."""
        place = f"row {self.row}" if self.row is not None else "file"
        return f"{place}{', ' + self.column if self.column else ''}: {self.message}"


def row_problem(row: int | None, column: str | None, code: str, **params: Any) -> RowProblem:
    return RowProblem(row, column, code, params)
