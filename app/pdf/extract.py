"""The extract of a personal training file, as a PDF signed with a QR code that opens the public
verification page (the same fonts as the order, so Kazakh letters render anywhere)."""

from __future__ import annotations

from datetime import datetime

import qrcode
from flask_babel import gettext as _
from fpdf import FPDF
from PIL import Image

from app.i18n import format_day, format_moment
from app.pdf.order import FONT, FONTS, INK, MUTED, RULE
from app.records.labels import record_choice
from workflows.language import pick
from workflows.records.training_file import RecordLine, TrainingFile

QR_MM = 38
COLUMNS = (62, 40, 32, 14, 18)  # training, certificate, dates, hours, valid until (mm)


def qr_image(link: str) -> Image.Image:
    """The QR code of `link` as a black-on-white image (medium error correction, a quiet zone)."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, box_size=8, border=4)
    code.add_data(link)
    code.make(fit=True)
    image: Image.Image = code.make_image(fill_color="black", back_color="white").get_image()
    return image.convert("L")


def _certificate(r: RecordLine) -> str:
    kind = record_choice("certificate_type", r.certificate_type) if r.certificate_type else ""
    number = f"№ {r.certificate_number}" if r.certificate_number else ""
    return " ".join(p for p in (kind, number) if p) or "—"


def _table(pdf: FPDF, file: TrainingFile) -> None:
    heads = (_("Training"), _("Certificate"), _("Dates"), _("Hours"), _("Valid until"))
    with pdf.table(col_widths=COLUMNS, text_align="LEFT", line_height=5, padding=1.2) as table:
        pdf.set_font(FONT, "B", 8.5)
        row = table.row()
        for head in heads:
            row.cell(head)
        pdf.set_font(FONT, "", 8.5)
        for r in file.records:
            if r.struck:
                continue  # a struck record counts nothing and is no part of an extract
            row = table.row()
            row.cell(f"{r.course}\n{r.provider or ''}".strip())
            row.cell(_certificate(r))
            row.cell(f"{format_day(r.start_date)} – {format_day(r.end_date)}")
            row.cell(str(r.hours))
            row.cell(format_day(r.valid_until) if r.valid_until else "—")


def render_extract(
    file: TrainingFile, link: str, issued_at: datetime, locale: str, compress: bool = True
) -> bytes:
    title = _("Extract from the personal training file")
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(title)
    pdf.set_creator("Biliktilik")
    pdf.set_lang(locale)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(18, 18, 18)
    pdf.add_page()
    pdf.set_text_color(*INK)
    pdf.set_font(FONT, "B", 15)
    pdf.multi_cell(0, 8, title, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "B", 12)
    name = file.name_ru if locale == "ru" and file.name_ru else file.name
    pdf.multi_cell(0, 7, name, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*MUTED)
    where = ", ".join(p for p in (file.position or "", pick(file.unit, locale)) if p)
    pdf.multi_cell(0, 6, where, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_text_color(*INK)
    pdf.set_draw_color(*RULE)
    _table(pdf, file)
    pdf.ln(3)
    pdf.set_font(FONT, "B", 10)
    pdf.cell(
        0, 6, _("Hours counted in total: %(hours)s", hours=file.total_hours), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(6)
    top = pdf.get_y()
    if top + QR_MM > pdf.h - pdf.b_margin:
        pdf.add_page()
        top = pdf.get_y()
    pdf.image(qr_image(link), x=pdf.l_margin, y=top, w=QR_MM, h=QR_MM)
    pdf.set_xy(pdf.l_margin + QR_MM + 5, top + 2)
    pdf.set_font(FONT, "", 9)
    pdf.multi_cell(
        0,
        5,
        _(
            "Scan the code or open the link to check this extract against the university's records. "
            "The page shows the trainings, hours and validity as they are on the day it is opened."
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.set_x(pdf.l_margin + QR_MM + 5)
    pdf.set_font(FONT, "", 7.5)
    pdf.multi_cell(0, 4, link, new_x="LMARGIN", new_y="NEXT")
    pdf.set_xy(pdf.l_margin + QR_MM + 5, pdf.get_y() + 2)
    pdf.set_text_color(*MUTED)
    pdf.set_font(FONT, "", 8)
    pdf.multi_cell(
        0,
        4.5,
        _("Issued in Biliktilik on %(when)s", when=format_moment(issued_at)),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())
