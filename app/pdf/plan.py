"""The printed plan forms 602-01 and 602-05 as PDF, landscape, from the same rows as their XLSX."""

from __future__ import annotations

from flask_babel import gettext as _
from fpdf import FPDF

from app.pdf.order import FONT, FONTS
from workflows.planning.forms_602 import PrintedForm

WIDTHS_01 = (8, 38, 28, 58, 26, 30, 12, 30, 27)  # mm, the 9 columns of 602-01 (257 mm of A4 landscape)
WIDTHS_05 = (8, 26, 32, 22, 50, 22, 28, 11, 24, 20, 14)


def render_plan_form(form: PrintedForm, locale: str, compress: bool = True) -> bytes:
    pdf = FPDF(orientation="L", format="A4")
    pdf.set_compression(compress)
    pdf.set_title(form.title)
    pdf.set_creator("Biliktilik")
    pdf.set_lang(locale)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(20, 15, 20)
    pdf.add_page()
    pdf.set_font(FONT, "B", 12)
    pdf.multi_cell(0, 6, form.title)
    pdf.ln(3)
    widths = WIDTHS_05 if form.code == "602-05" else WIDTHS_01
    with pdf.table(col_widths=widths, text_align="LEFT", line_height=4.5, padding=1) as table:
        pdf.set_font(FONT, "B", 7.5)
        row = table.row()
        for head in form.header:
            row.cell(head)
        pdf.set_font(FONT, "", 7.5)
        for cells in form.rows:
            row = table.row()
            for value in cells:
                row.cell(str(value))
    if form.totals:
        pdf.ln(4)
        pdf.set_font(FONT, "B", 9)
        pdf.cell(0, 6, _("Total by funding source"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font(FONT, "", 9)
        for source, amount in form.totals:
            pdf.cell(80, 5, source)
            pdf.cell(40, 5, amount, align="R", new_x="LMARGIN", new_y="NEXT")
    if form.approved_note:
        pdf.ln(4)
        pdf.set_font(FONT, "", 9)
        pdf.multi_cell(0, 5, form.approved_note)
    return bytes(pdf.output())
