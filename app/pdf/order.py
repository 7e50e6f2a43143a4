"""The order (бұйрық) sending an employee to training, as a PDF.

DejaVu Sans ships with the app (fonts/, with its licence) so Kazakh letters render whatever
fonts the server has.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from flask_babel import gettext as _
from fpdf import FPDF

from app.i18n import format_day
from app.schema_form import properties
from app.summary import display_value
from workflows.cases.orders import OrderSheet
from workflows.language import pick

FONTS = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
INK = (33, 37, 41)
MUTED = (96, 104, 112)
RULE = (200, 205, 210)


def _row(pdf: FPDF, label: str, value: str) -> None:
    top = pdf.get_y()
    pdf.set_font(FONT, "B", 10)
    pdf.set_text_color(*MUTED)
    pdf.multi_cell(55, 6, label, align="L", new_x="LMARGIN", new_y="NEXT")
    label_end = pdf.get_y()
    pdf.set_font(FONT, "", 10)
    pdf.set_text_color(*INK)
    pdf.set_xy(pdf.l_margin + 57, top)
    pdf.multi_cell(0, 6, value or "—", align="L", new_x="LMARGIN", new_y="NEXT")
    pdf.set_y(max(label_end, pdf.get_y()) + 1.5)


def render_order(sheet: OrderSheet, locale: str, schema: dict[str, Any], compress: bool = True) -> bytes:
    """`schema` is the application form, for the names of the form, mode and funding choices."""
    props = properties(schema)

    def choice(name: str, value: Any) -> str:
        return display_value(props.get(name, {}), value, locale) if value is not None else "—"

    title = _("Order No. %(number)s", number=sheet.number)
    pdf = FPDF(format="A4")
    pdf.set_compression(compress)
    pdf.set_title(title)
    pdf.set_subject(_("On sending an employee to qualification improvement"))
    pdf.set_creator("Biliktilik")
    pdf.set_lang(locale)
    pdf.add_font(FONT, "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font(FONT, "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_margins(22, 20, 20)
    pdf.add_page()

    pdf.set_font(FONT, "B", 12)
    pdf.set_text_color(*INK)
    pdf.multi_cell(0, 7, pick(sheet.university, locale).upper(), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.set_font(FONT, "B", 16)
    pdf.cell(0, 9, _("ORDER"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(2)
    pdf.set_font(FONT, "", 11)
    half = (pdf.w - pdf.l_margin - pdf.r_margin) / 2
    pdf.cell(half, 7, format_day(sheet.order_date))
    pdf.cell(half, 7, f"№ {sheet.number}", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font(FONT, "B", 11)
    pdf.multi_cell(
        0, 6, _("On sending an employee to qualification improvement"), new_x="LMARGIN", new_y="NEXT"
    )
    pdf.ln(3)
    pdf.set_font(FONT, "", 11)
    pdf.multi_cell(
        0,
        6,
        _(
            "On the basis of the employee's application, endorsed by the head of the unit, "
            "and the rector's visa, I ORDER:"
        ),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    pdf.multi_cell(
        0,
        6,
        _(
            "1. To send the employee %(employee)s (%(position)s, %(unit)s) to qualification "
            "improvement on the terms below.",
            employee=sheet.employee,
            position=(sheet.position or "").lower() or "—",
            unit=pick(sheet.unit, locale),
        ),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(3)
    pdf.set_draw_color(*RULE)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(3)
    period = f"{format_day(sheet.start_date)} – {format_day(sheet.end_date)}"
    cost = display_value({"type": "number"}, sheet.cost, locale) if sheet.cost else "—"
    for label, value in (
        (_("Employee"), sheet.employee),
        (_("Position"), sheet.position or "—"),
        (_("Department"), pick(sheet.unit, locale)),
        (_("Course"), sheet.course),
        (_("Training provider"), sheet.provider),
        (_("Form of training"), choice("training_form", sheet.training_form)),
        (_("Mode of study"), choice("mode", sheet.mode)),
        (_("Place"), sheet.place or "—"),
        (_("Dates"), period),
        (_("Volume"), _("%(hours)s academic hours", hours=sheet.hours) if sheet.hours else "—"),
        (_("Funding source"), choice("funding_source", sheet.funding_source)),
        (_("Cost (tenge)"), cost),
        *([(_("Also sent"), ", ".join(sheet.participants))] if sheet.participants else []),
    ):
        _row(pdf, label, value)
    pdf.line(pdf.l_margin, pdf.get_y(), pdf.w - pdf.r_margin, pdf.get_y())
    pdf.ln(4)
    pdf.multi_cell(
        0,
        6,
        _(
            "2. After completing the training the employee submits a copy of the confirming "
            "document and the listener's report within the period the regulation sets."
        ),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(1)
    pdf.multi_cell(
        0,
        6,
        _("3. The HR service brings this order to the employee's attention."),
        align="L",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(14)
    pdf.set_font(FONT, "B", 11)
    pdf.cell(half, 7, _("Rector"))
    pdf.cell(half, 7, "____________________", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(16)
    pdf.set_font(FONT, "", 8)
    pdf.set_text_color(*MUTED)
    footer = _("Issued in Biliktilik, case %(key)s", key=sheet.business_key)
    if sheet.issued_by:
        footer += " · " + _("prepared by %(name)s", name=sheet.issued_by)
    pdf.multi_cell(0, 4.5, footer, align="L", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
