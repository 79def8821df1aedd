"""Application forms (表单自动套打): residents get a form prefilled, submit it, attach it to a booking;
the window prints it."""

from __future__ import annotations

from flask import Response, g
from flask_smorest import Blueprint

from miniapp_api.core.errors import NotFound
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.forms import service
from miniapp_api.forms.pdf import render_form_pdf
from miniapp_api.forms.schemas import (
    AttachSchema,
    BlankFormSchema,
    FilledFormListSchema,
    FilledFormSchema,
    FormSubmitSchema,
    WindowFormSchema,
)
from miniapp_api.identity.resident_auth import require_resident
from miniapp_api.identity.staff import require_role

blp = Blueprint("forms", __name__, url_prefix="/api/v1", description="Application forms (表单自动套打)")
WINDOW_ROLES = ("agent", "backoffice")  # admin is implied
PDF_SCHEMA = {"type": "string", "format": "binary"}


@blp.route("/forms/<code>", methods=["GET"])
@blp.response(200, BlankFormSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(404, schema=ErrorResponseSchema, description="unknown_item")
@blp.doc(security=[{"bearer": []}])
@require_resident
def form_blank(code: str):
    """The form of an item or bundle, prefilled from my profile; `to_fill` lists what I must add."""
    return service.prefilled(g.resident["resident_id"], code)


@blp.route("/forms/<code>", methods=["POST"])
@blp.arguments(FormSubmitSchema())
@blp.response(201, FilledFormSchema)
@blp.alt_response(400, schema=ErrorResponseSchema, description="a field missing or invalid (field values.<key>)")
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(404, schema=ErrorResponseSchema, description="unknown item or appointment")
@blp.alt_response(409, schema=ErrorResponseSchema, description="the appointment is for another item")
@blp.doc(security=[{"bearer": []}])
@require_resident
def form_submit(body: dict, code: str):
    """Submit the filled form (optionally attached to one of my appointments); ID numbers kept encrypted."""
    return service.submit(g.resident["resident_id"], code, body["values"], body.get("appointment_id"))


@blp.route("/me/forms", methods=["GET"])
@blp.response(200, FilledFormListSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_resident
def form_list():
    """My filled forms, newest first (ID numbers and phones masked)."""
    return {"forms": service.mine(g.resident["resident_id"])}


@blp.route("/me/forms/<form_id>", methods=["GET"])
@blp.response(200, FilledFormSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.doc(security=[{"bearer": []}])
@require_resident
def form_get(form_id: str):
    """One of my filled forms."""
    return service.get_mine(g.resident["resident_id"], form_id)


@blp.route("/me/forms/<form_id>/appointment", methods=["PUT"])
@blp.arguments(AttachSchema())
@blp.response(200, FilledFormSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.alt_response(409, schema=ErrorResponseSchema, description="form_item_mismatch, not_attachable")
@blp.doc(security=[{"bearer": []}])
@require_resident
def form_attach(body: dict, form_id: str):
    """Attach my form to my appointment, so the window prints it instead of retyping it."""
    return service.attach(g.resident["resident_id"], form_id, body["appointment_id"])


@blp.route("/staff/appointments/<appointment_id>/form", methods=["GET"])
@blp.response(200, WindowFormSchema)
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(403, schema=ErrorResponseSchema)
@blp.alt_response(404, schema=ErrorResponseSchema, description="no form attached")
@blp.doc(security=[{"bearer": []}])
@require_role(*WINDOW_ROLES)
def window_form(appointment_id: str):
    """The form the resident attached to this appointment (masked), with the PDF's URL."""
    form = service.form_for_appointment(appointment_id)
    if form is None:
        raise NotFound("no form attached to this appointment", "appointment_id", code="no_form")
    return form


@blp.route("/staff/forms/<form_id>.pdf", methods=["GET"])
@blp.response(200, content_type="application/pdf", description="the 申请表 to print (audited)")
@blp.alt_response(401, schema=ErrorResponseSchema)
@blp.alt_response(403, schema=ErrorResponseSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@blp.doc(
    security=[{"bearer": []}],
    responses={
        "200": {"description": "the 申请表 to print (audited)", "content": {"application/pdf": {"schema": PDF_SCHEMA}}}
    },
)
@require_role(*WINDOW_ROLES)
def form_pdf(form_id: str):
    """Print a filled form as a PDF 申请表 (the ID number decrypted into the PDF only)."""
    data = render_form_pdf(form_id, g.staff["username"])
    return Response(
        data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'inline; filename="form-{form_id[:12]}.pdf"', "Cache-Control": "no-store"},
    )
