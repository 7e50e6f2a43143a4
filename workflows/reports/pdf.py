"""A report as a PDF (fpdf2): the university's name, the report, its period, every table, and its
charts drawn as vector shapes on the page (bars and lines, no pictures), in the reader's language.

DejaVu Sans (shipped with the app, app/pdf/fonts/, with its licence) renders Kazakh letters
whatever fonts the server has. It needs no web request, so the worker makes long ones alike.
"""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

from fpdf import FPDF
from fpdf.fonts import FontFace

from workflows.reports.tables import Chart, ReportDocument, Table

FONTS = Path(__file__).resolve().parents[2] / "app" / "pdf" / "fonts"
FONT = "DejaVu"
INK = (33, 37, 41)
MUTED = (96, 104, 112)
RULE = (200, 205, 210)
# The charts' colours, one per series (the page's palette).
SERIES = ((0, 163, 221), (246, 168, 0), (214, 69, 65), (88, 166, 92))
CHART_HEIGHT = 55.0


def _cell_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float):
        return f"{value:,.2f}".replace(",", " ")
    if isinstance(value, int) and not isinstance(value, bool):
        return f"{value:,}".replace(",", " ")
    return str(value)


def _table(pdf: FPDF, table: Table) -> None:
    pdf.set_font(FONT, "B", 11)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 7, table.title, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 8)
    heading = FontFace(emphasis="BOLD", fill_color=(235, 240, 244))
    with pdf.table(
        headings_style=heading, line_height=5, borders_layout="HORIZONTAL_LINES", text_align="LEFT"
    ) as grid:
        head = grid.row()
        for text in table.headers:
            head.cell(text)
        for row in table.rows:
            line = grid.row()
            for value in row:
                line.cell(_cell_text(value))
    pdf.ln(4)


def _axis_labels(pdf: FPDF, labels: list[str], left: float, width: float, bottom: float) -> None:
    pdf.set_font(FONT, "", 6)
    pdf.set_text_color(*MUTED)
    step = width / max(len(labels), 1)
    for i, label in enumerate(labels):
        pdf.set_xy(left + i * step, bottom + 1)
        pdf.multi_cell(step, 3, label[:40], align="C")


def _chart(pdf: FPDF, chart: Chart) -> None:
    if pdf.get_y() + CHART_HEIGHT + 30 > pdf.h - pdf.b_margin:
        pdf.add_page()
    pdf.set_font(FONT, "B", 10)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 6, chart.title, new_x="LMARGIN", new_y="NEXT")
    top = pdf.get_y() + 2
    left, width = pdf.l_margin + 12, pdf.w - pdf.l_margin - pdf.r_margin - 12
    bottom = top + CHART_HEIGHT
    values = [v for _, series in chart.datasets for v in series]
    peak = max([*values, 0.0]) or 1.0
    pdf.set_draw_color(*RULE)
    pdf.set_line_width(0.2)
    pdf.line(left, bottom, left + width, bottom)
    pdf.line(left, top, left, bottom)
    pdf.set_font(FONT, "", 6)
    pdf.set_text_color(*MUTED)
    pdf.set_xy(pdf.l_margin, top - 1)
    pdf.cell(11, 3, _cell_text(int(peak) if float(peak).is_integer() else peak), align="R")
    count = max(len(chart.labels), 1)
    step = width / count
    if chart.kind == "line":
        for n, (_, series) in enumerate(chart.datasets):
            pdf.set_draw_color(*SERIES[n % len(SERIES)])
            pdf.set_line_width(0.6)
            points = [
                (left + (i + 0.5) * step, bottom - CHART_HEIGHT * v / peak) for i, v in enumerate(series)
            ]
            for a, b in itertools.pairwise(points):
                pdf.line(a[0], a[1], b[0], b[1])
            for x, y in points:
                pdf.set_fill_color(*SERIES[n % len(SERIES)])
                pdf.circle(x, y, 0.8, style="F")
    else:
        bars = max(len(chart.datasets), 1)
        bar = step * 0.8 / bars
        for n, (_, series) in enumerate(chart.datasets):
            pdf.set_fill_color(*SERIES[n % len(SERIES)])
            for i, v in enumerate(series):
                h = CHART_HEIGHT * v / peak
                if h > 0:
                    pdf.rect(left + i * step + step * 0.1 + n * bar, bottom - h, bar, h, style="F")
    _axis_labels(pdf, chart.labels, left, width, bottom)
    pdf.set_y(bottom + 10)
    _legend(pdf, chart)
    pdf.ln(4)


def _legend(pdf: FPDF, chart: Chart) -> None:
    pdf.set_font(FONT, "", 7)
    pdf.set_text_color(*INK)
    x = pdf.l_margin
    for n, (label, _) in enumerate(chart.datasets):
        pdf.set_fill_color(*SERIES[n % len(SERIES)])
        pdf.rect(x, pdf.get_y() + 1, 3, 3, style="F")
        pdf.set_x(x + 4)
        pdf.cell(pdf.get_string_width(label) + 6, 5, label)
        x = pdf.get_x()
    pdf.ln(6)


def report_pdf(document: ReportDocument, compress: bool = True) -> bytes:
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(f"{document.title}: {document.subject}, {document.period}")
    pdf.set_creator("Biliktilik")
    pdf.set_lang(document.locale)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(18, 16, 18)
    pdf.set_auto_page_break(True, 16)
    pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 7, document.university, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "B", 14)
    pdf.multi_cell(0, 8, document.title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.multi_cell(0, 6, f"{document.subject} · {document.period}", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(0, 6, document.made_on, align="C", new_x="LMARGIN", new_y="NEXT")
    if document.note:
        pdf.multi_cell(0, 5, document.note, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    for section in document.sections:
        pdf.set_font(FONT, "B", 11)
        pdf.set_text_color(*INK)
        pdf.multi_cell(0, 7, section[0], new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 5, section[1] or "—", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(3)
    for table in document.tables:
        _table(pdf, table)
    for chart in document.charts:
        _chart(pdf, chart)
    return bytes(pdf.output())
