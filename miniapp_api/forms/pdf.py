"""The printed 申请表: A4, title, boxed label/value table by section, declaration, signature and date lines.

reportlab's built-in CID font ``STSong-Light`` (Adobe's Chinese font pack, referenced, not embedded:
PDF readers supply it) prints Chinese without any font file. Each print is audited (``form.print``).
"""

from __future__ import annotations

import functools
import io
from xml.sax.saxutils import escape

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

from miniapp_api.core.audit import audit
from miniapp_api.core.clock import now_local
from miniapp_api.core.stores import mongo
from miniapp_api.forms.service import printable
from miniapp_api.halls.halls import get_hall

FONT = "STSong-Light"
DECLARATION = "本人（单位）承诺：以上填写内容及所提交材料真实、合法、有效，如有不实，愿承担相应法律责任。"


@functools.cache
def _styles() -> dict[str, ParagraphStyle]:
    pdfmetrics.registerFont(UnicodeCIDFont(FONT))  # once per process; no file read, no download
    base = ParagraphStyle("base", fontName=FONT, fontSize=10.5, leading=14, wordWrap="CJK")
    return {
        "base": base,
        "title": ParagraphStyle("title", parent=base, fontSize=18, leading=24, alignment=1),
        "meta": ParagraphStyle("meta", parent=base, fontSize=9, leading=12),
        "section": ParagraphStyle("section", parent=base, fontSize=11),
        "label": ParagraphStyle("label", parent=base, alignment=1),
    }


def _text(value: object) -> str:
    if value is None or value == "":
        return ""
    if isinstance(value, list):
        return "、".join(str(v) for v in value)
    return str(value)


def build_pdf(form: dict, hall_name: str = "", printed_at: str = "") -> bytes:
    """The PDF of a form whose values are plain (``service.printable``); pure, no I/O but the buffer."""
    st = _styles()
    width = A4[0] - 36 * mm
    rows: list[list] = []
    style = [
        ("GRID", (0, 0), (-1, -1), 0.7, colors.black),
        ("VALIGN", (0, 0), (-1, -1), "MIDDLE"),
        ("FONTNAME", (0, 0), (-1, -1), FONT),
    ]
    section = None
    for field in form["fields"]:
        if field.get("section") != section:
            section = field.get("section")
            style += [
                ("SPAN", (0, len(rows)), (1, len(rows))),
                ("BACKGROUND", (0, len(rows)), (1, len(rows)), colors.HexColor("#e8e8e8")),
            ]
            rows.append([Paragraph(escape(section or ""), st["section"]), ""])
        label = field["label"] + ("*" if field.get("required") else "")
        rows.append(
            [
                Paragraph(escape(label), st["label"]),
                Paragraph(escape(_text(form["values"].get(field["key"]))), st["base"]),
            ]
        )
    table = Table(rows, colWidths=[46 * mm, width - 46 * mm], style=TableStyle(style))
    meta = f"事项编码：{form['code']}　　办理大厅：{hall_name or '—'}　　表单编号：{form['_id'][:12]}"
    story = [
        Paragraph(escape(form["title"]), st["title"]),
        Spacer(1, 4 * mm),
        Paragraph(escape(meta), st["meta"]),
        Spacer(1, 3 * mm),
        table,
        Spacer(1, 6 * mm),
        Paragraph(escape(DECLARATION), st["base"]),
        Spacer(1, 12 * mm),
        Paragraph("申请人（签名）：____________________　　　日期：______年____月____日", st["base"]),
        Spacer(1, 8 * mm),
        Paragraph("窗口受理人（签名）：________________　　　日期：______年____月____日", st["base"]),
        Spacer(1, 8 * mm),
        Paragraph(escape(f"打印时间：{printed_at}　　带 * 为必填项"), st["meta"]),
    ]
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        pagesize=A4,
        leftMargin=18 * mm,
        rightMargin=18 * mm,
        topMargin=16 * mm,
        bottomMargin=16 * mm,
        title=form["title"],
        author="江川政务服务",
        subject=form["code"],
    )
    doc.build(story)
    return buffer.getvalue()


def render_form_pdf(form_id: str, printed_by: str) -> bytes:
    """Print the stored form ``form_id`` (ID numbers decrypted into the PDF only) and audit the print."""
    form = printable(form_id)
    hall_name = ""
    if form.get("hall_id"):
        hall_name = get_hall(form["hall_id"]).get("name", form["hall_id"])
    data = build_pdf(form, hall_name, now_local().strftime("%Y-%m-%d %H:%M"))
    audit(
        mongo(), printed_by, "form.print", form_id, {"code": form["code"], "appointment_id": form.get("appointment_id")}
    )
    return data
