"""/api/v1: a case's issued letters: list, download as PDF or HTML, correct."""

from __future__ import annotations

import marshmallow as ma
from flask import Response, request
from flask_smorest import Blueprint
from marshmallow import fields

from engine import letters

from ..web import actor, cases

blp = Blueprint("letters", __name__, url_prefix="/api/v1", description="Letters and notices issued in a case")


class LetterSchema(ma.Schema):
    id = fields.Integer()
    case_id = fields.Integer()
    kind = fields.String(metadata={"description": "e.g. denial, approval, medical_request"})
    title = fields.String()
    letter_date = fields.String(metadata={"description": "the letter's date, YYYY-MM-DD"})
    version = fields.Integer()
    superseded = fields.Boolean()
    superseded_by = fields.Integer(allow_none=True)
    supersedes = fields.Integer(allow_none=True)
    medical = fields.Boolean(metadata={"description": "contains medical information (need-to-know only)"})
    issued_by = fields.String()
    issued_at = fields.DateTime()
    sha256 = fields.String(metadata={"description": "SHA-256 of the PDF"})
    dates = fields.Dict(keys=fields.String(), values=fields.String(),
                        metadata={"description": "the dates the letter states (e.g. eeo_counselor_date)"})


class LetterListSchema(ma.Schema):
    letters = fields.List(fields.Nested(LetterSchema))


class CorrectionSchema(ma.Schema):
    data = fields.Dict(required=True, metadata={"description": "corrected values of the issuing step's form"})


@blp.route("/cases/<int:case_id>/letters", methods=["GET"])
@blp.response(200, LetterListSchema)
def list_letters(case_id):
    """Letters of the case you may see (medical letters: need-to-know roles and the requester)."""
    return {"letters": letters.list_letters(cases(), case_id, actor().name)}


def _send(case_id, letter_id, fmt):
    info, body, ctype = letters.open_letter(cases(), case_id, letter_id, actor().name, fmt)
    name = f"case-{info.case_id}-{info.kind}-v{info.version}.{fmt}"
    disposition = "attachment" if fmt == "pdf" else "inline"
    headers = {"Content-Disposition": f'{disposition}; filename="{name}"'}
    if fmt == "pdf":
        headers["X-Content-SHA256"] = info.sha256
    return Response(body, mimetype=ctype.split(";")[0], headers=headers)


@blp.route("/cases/<int:case_id>/letters/<int:letter_id>", methods=["GET"])
@blp.response(200, description="the letter: application/pdf (default) or text/html, by the Accept header")
@blp.alt_response(404, description="no such letter in a case you may see")
def get_letter(case_id, letter_id):
    """One letter as PDF or HTML (`Accept: application/pdf` or `text/html`); every download is recorded."""
    best = request.accept_mimetypes.best_match(["application/pdf", "text/html"], default="application/pdf")
    return _send(case_id, letter_id, "html" if best == "text/html" else "pdf")


@blp.route("/cases/<int:case_id>/letters/<int:letter_id>.pdf", methods=["GET"])
@blp.response(200, description="the letter as tagged PDF (PDF/UA-1)")
def get_letter_pdf(case_id, letter_id):
    """One letter as PDF."""
    return _send(case_id, letter_id, "pdf")


@blp.route("/cases/<int:case_id>/letters/<int:letter_id>.html", methods=["GET"])
@blp.response(200, description="the letter as HTML")
def get_letter_html(case_id, letter_id):
    """One letter as HTML."""
    return _send(case_id, letter_id, "html")


@blp.route("/cases/<int:case_id>/letters/<int:letter_id>/corrections", methods=["POST"])
@blp.arguments(CorrectionSchema)
@blp.response(201, LetterSchema)
@blp.alt_response(422, description="invalid values (field-by-field errors); nothing is issued")
def correct_letter(body, case_id, letter_id):
    """Issue a corrected version (same letter date and dates); the old one is kept, marked superseded."""
    new_id = letters.reissue(cases(), case_id, letter_id, actor().name, body["data"])
    return next(r for r in letters.list_letters(cases(), case_id, actor().name) if r.id == new_id)
