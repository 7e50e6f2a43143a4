"""A report as a file: XLSX with its tables and native charts, or PDF with its charts drawn."""

from __future__ import annotations

from flask import Response, current_app

from app.registers.files import download
from workflows.reports.charts import report_xlsx
from workflows.reports.documents import ReadReport
from workflows.reports.pdf import report_pdf
from workflows.reports.tables import ReportDocument
from workflows.spreadsheets import XLSX_TYPE

PDF_TYPE = "application/pdf"


def file_stem(read: ReadReport) -> str:
    subject = read.report.subject
    key = f"person-{subject.person_id}" if subject.person_id else f"unit-{subject.unit_id}"
    return f"report-{subject.level}-{key}-{read.report.period.slug}"


def export_document(document: ReportDocument, fmt: str, stem: str) -> Response:
    if fmt == "xlsx":
        return download(report_xlsx(document), XLSX_TYPE, f"{stem}.xlsx")
    compress = bool(current_app.config.get("PDF_COMPRESS", True))
    return download(report_pdf(document, compress), PDF_TYPE, f"{stem}.pdf")


def export_report(read: ReadReport, fmt: str) -> Response:
    return export_document(read.document, fmt, file_stem(read))
