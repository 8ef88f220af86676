"""/api/v1: a case's documents (Navy 1-4): upload, list, download."""

from __future__ import annotations

from flask import send_file
from flask_smorest import Blueprint
from flask_smorest.fields import Upload
from marshmallow import Schema, fields
from webargs.flaskparser import FlaskParser
from webargs.multidictproxy import MultiDictProxy
from werkzeug.datastructures import CombinedMultiDict

from ..schemas import DocumentListSchema, DocumentSchema
from ..web import actor, documents
from . import PAGING


class _MultipartParser(FlaskParser):
    """Reads a multipart body's fields and files as one object, so the OpenAPI documents one schema
    with both `doc_type` and `file` required (issue 8: the upload body lacked its doc_type)."""

    __location_map__ = {**FlaskParser.__location_map__, "multipart": "load_multipart"}

    def load_multipart(self, req, schema):
        return MultiDictProxy(CombinedMultiDict([req.form, req.files]), schema)


class _Blueprint(Blueprint):
    ARGUMENTS_PARSER = _MultipartParser()
    DEFAULT_LOCATION_CONTENT_TYPE_MAPPING = {**Blueprint.DEFAULT_LOCATION_CONTENT_TYPE_MAPPING,
                                             "multipart": "multipart/form-data"}


blp = _Blueprint("documents", __name__, url_prefix="/api/v1", description="Documents in a case's RA file")


class UploadSchema(Schema):
    doc_type = fields.String(required=True, metadata={"description": "a document type key of the jurisdiction, "
                                                                     "e.g. medical, letter, other"})
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
@blp.arguments(UploadSchema, location="multipart")
@blp.response(201, DocumentSchema)
@blp.alt_response(413, description="the file is over the size limit")
@blp.alt_response(422, description="wrong kind of file, empty file or unknown type")
def upload(body, case_id):
    """Upload one file (multipart: `file` and `doc_type`). PDF, images and office files only."""
    upload = body["file"]
    return documents().upload(case_id, actor(), body["doc_type"], upload.filename, upload.stream)


@blp.route("/documents/<int:document_id>", methods=["GET"])
@blp.response(200, description="the file")
def download(document_id):
    """Download a document; every download is recorded in the case history."""
    info, path = documents().open(document_id, actor())
    # The bare type: werkzeug adds "; charset=utf-8" to text itself (issue 8: it was sent twice).
    return send_file(path, mimetype=info.content_type.split(";")[0], as_attachment=True, download_name=info.filename,
                     max_age=0, etag=False, conditional=False)
