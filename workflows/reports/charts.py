"""A report as an XLSX workbook: a summary sheet with the university, the report and the period
above the figures, then a sheet per table, each with its native Excel chart beside it."""

from __future__ import annotations

from workflows.language import translations
from workflows.reports.tables import ReportDocument
from workflows.spreadsheets import ChartSpec, Sheet, workbook

# Which columns of a table its chart draws (1-based, as the tables in workflows.reports.tables lay them out).
CHARTS = {
    "units": ChartSpec("bar", "", 1, (3, 4, 5)),  # trained, due this year, overdue
    "months": ChartSpec("line", "", 1, (2,)),
    "funding": ChartSpec("bar", "", 1, (4,)),  # money spent
    "effectiveness": ChartSpec("pie", "", 1, (2,)),
}
FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_name(title: str, taken: set[str]) -> str:
    base = title.translate(FORBIDDEN).strip()[:28] or "Sheet"
    name, n = base, 2
    while name.casefold() in taken:
        name, n = f"{base} {n}", n + 1
    taken.add(name.casefold())
    return name


def report_xlsx(document: ReportDocument) -> bytes:
    charts = {c.key: c.title for c in document.charts}
    taken: set[str] = set()
    sheets = []
    for table in document.tables:
        lead: tuple[str, ...] = ()
        if table.key == "totals":
            lead = (document.university, document.title, document.subject, document.period, document.made_on)
            if document.note:
                lead += (document.note,)
        spec = CHARTS.get(table.key)
        found = []
        if spec is not None and table.key in charts:
            found.append(ChartSpec(spec.kind, charts[table.key], spec.label_column, spec.value_columns))
        sheets.append(Sheet(_sheet_name(table.title, taken), table.headers, table.rows, lead, found))
    if document.sections:
        say = translations(document.locale).gettext
        sheets.append(
            Sheet(
                _sheet_name(say("Narrative"), taken),
                [say("Section"), say("Text")],
                [list(section) for section in document.sections],
            )
        )
    return workbook(sheets)
