"""/api/v1: a case's documents (Navy 1-4): upload, list, download."""

from __future__ import annotations

from flask import send_file
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema

from ..schemas import DocumentListSchema, DocumentSchema, DocumentUploadSchema
from ..web import actor, documents
from . import PAGING

blp = Blueprint("documents", __name__, url_prefix="/api/v1", description="Documents in a case's RA file")


class FileSchema(Schema):
    file = Upload(required=True)


@blp.route("/cases/<int:case_id>/documents", methods=["GET"])
@blp.response(200, DocumentListSchema)
@blp.paginate(**PAGING)
def list_documents(case_id, pagination_parameters):
    """The case's documents you may see, a page at a time; medical ones only for need-to-know roles and the
    requester (a case's file holds what people uploaded, so it is paged after one indexed read)."""
    shown, withheld = documents().list(case_id, actor())
    pagination_parameters.item_count = len(shown)
    start = pagination_parameters.first_item
    return {"documents": shown[start:start + pagination_parameters.page_size], "withheld_medical": withheld}


@blp.route("/cases/<int:case_id>/documents", methods=["POST"])
@blp.arguments(DocumentUploadSchema, location="form")
@blp.arguments(FileSchema, location="files")
@blp.response(201, DocumentSchema)
@blp.alt_response(413, description="the file is over the size limit")
@blp.alt_response(422, description="wrong kind of file, empty file or unknown type")
def upload(form, files, case_id):
    """Upload one file (multipart: `file` and `doc_type`). PDF, images and office files only."""
    upload = files["file"]
    return documents().upload(case_id, actor(), form["doc_type"], upload.filename, upload.stream)


@blp.route("/documents/<int:document_id>", methods=["GET"])
@blp.response(200, description="the file")
def download(document_id):
    """Download a document; every download is recorded in the case history."""
    info, path = documents().open(document_id, actor())
    return send_file(path, mimetype=info.content_type, as_attachment=True, download_name=info.filename,
                     max_age=0, etag=False, conditional=False)
