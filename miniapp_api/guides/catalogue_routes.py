"""Staff side of catalogue imports: import a file from the server's import folder, see what is incomplete.

The file is one an operator put into ``CATALOGUE_IMPORT_DIR`` (a province export is megabytes, far
over the API's body limit); the staff console lists and imports them through these endpoints, the
command line through ``flask catalogue import``. Both run the same ``guides.imports.run_import``.
"""

from __future__ import annotations

from pathlib import Path

from flask import current_app, g
from flask_smorest import Blueprint
from marshmallow import Schema, fields, validate

from miniapp_api.catalogue.schema import ELEMENTS
from miniapp_api.core.errors import Forbidden, NotFound, ValidationFailed
from miniapp_api.core.schemas import ErrorResponseSchema
from miniapp_api.guides.imports import FORMATS, incomplete_guides, run_import
from miniapp_api.identity.staff import require_role

blp = Blueprint("catalogue_imports", __name__, url_prefix="/api/v1/staff/catalogue",
                description="Catalogue imports (staff)")  # fmt: skip


class ImportArgs(Schema):
    file = fields.String(required=True, validate=validate.Length(1, 200),
                         metadata={"description": "a file name in CATALOGUE_IMPORT_DIR (.jsonl or .xlsx)"})  # fmt: skip
    draft = fields.Boolean(load_default=False, metadata={"description": "stage as drafts for review"})
    source = fields.String(validate=validate.Length(1, 100))


class IncompleteArgs(Schema):
    element = fields.String(validate=validate.OneOf(ELEMENTS))
    limit = fields.Integer(load_default=100, validate=validate.Range(1, 5000))


def _import_file(name: str) -> Path:
    if "\x00" in name or "/" in name or "\\" in name:  # a file name, nothing else (NUL would crash the OS call)
        raise ValidationFailed(f"file must be a .jsonl or .xlsx file name in the import folder, not {name!r}", "file")
    folder = Path(current_app.config["CATALOGUE_IMPORT_DIR"]).resolve()
    path = (folder / name).resolve()
    if path.parent != folder or path.suffix.lower() not in FORMATS:  # no way out of the folder
        raise ValidationFailed(f"file must be a .jsonl or .xlsx file name in the import folder, not {name!r}", "file")
    if not path.is_file():
        raise NotFound(f"no file {name!r} in the import folder", "file")
    return path


@blp.route("/files", methods=["GET"])
@blp.response(200)
@require_role("editor")
def list_files():
    """The files waiting in the import folder."""
    folder = Path(current_app.config["CATALOGUE_IMPORT_DIR"])
    found = folder.glob("*") if folder.is_dir() else []
    files = sorted(p for p in found if p.is_file() and p.suffix.lower() in FORMATS)
    return {"folder": str(folder), "files": [{"file": p.name, "bytes": p.stat().st_size} for p in files]}


@blp.route("/imports", methods=["POST"])
@blp.arguments(ImportArgs)
@blp.response(200)
@blp.alt_response(400, schema=ErrorResponseSchema)
@blp.alt_response(404, schema=ErrorResponseSchema)
@require_role("editor", "publisher")
def import_file(args: dict):
    """Import a file: publish editions with audit entries (publisher), or stage drafts (``draft``)."""
    if not args["draft"] and g.staff["role"] == "editor":
        raise Forbidden("publishing an import needs role publisher; an editor may stage it (draft: true)")
    return run_import(_import_file(args["file"]), g.staff["username"], draft=args["draft"], source=args.get("source"))


@blp.route("/incomplete", methods=["GET"])
@blp.arguments(IncompleteArgs, location="query")
@blp.response(200)
@require_role("editor")
def incomplete(args: dict):
    """How many published guides lack each element, and which ones (to complete them)."""
    return incomplete_guides(args["limit"], args.get("element"))
