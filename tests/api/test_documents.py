"""Documents in the RA file (Navy 1-4): accepted kinds, limits, all-or-nothing storage outside the web
root, need-to-know downloads, and every download in the case history."""

from __future__ import annotations

import io
import os
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select
from webclient import start

from engine.store import Document

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 32
PDF = b"%PDF-1.7\n%medical letter\n"
def _docx() -> bytes:
    """A real (minimal) zip: office files are opened to check their unpacked size (issue 8)."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


DOCX = _docx()


def upload(api, user, case_id, content, name, doc_type="letter"):
    return api(user, "POST", f"/cases/{case_id}/documents", content_type="multipart/form-data",
               data={"doc_type": doc_type, "file": (io.BytesIO(content), name)})


def stored_files(app) -> list[Path]:
    root = Path(app.config["DOCUMENTS_PATH"])
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []


def document_rows(web) -> int:
    _, service = web
    with service.db.transaction() as s:
        return s.execute(select(func.count()).select_from(Document)).scalar()


@pytest.mark.parametrize("name,content,ctype", [
    ("doctor.pdf", PDF, "application/pdf"),
    ("scan.PNG", PNG, "image/png"),
    ("photo.jpeg", b"\xff\xd8\xff\xe0" + b"\x00" * 20, "image/jpeg"),
    ("analysis.docx", DOCX, "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 20, "application/msword"),
    ("notes.txt", "Grüße, plain text".encode(), "text/plain; charset=utf-8"),
])
def test_accepted_kinds_are_typed_from_their_content(api, app, name, content, ctype):
    case = start(api)
    r = upload(api, "clara", case["id"], content, name)
    assert r.status_code == 201, r.json
    assert r.json["content_type"] == ctype and r.json["size"] == len(content) and r.json["uploaded_by"] == "clara"
    got = api("clara", "GET", f"/documents/{r.json['id']}")
    assert got.status_code == 200 and got.data == content
    assert got.headers["Content-Disposition"].startswith("attachment")
    assert got.headers["X-Content-Type-Options"] == "nosniff" and got.headers["Cache-Control"] == "no-store"


@pytest.mark.parametrize("name,content,field,status", [
    ("virus.exe", b"MZ\x90\x00", "file", 422),
    ("page.html", b"<script>alert(1)</script>", "file", 422),
    ("fake.pdf", PNG, "file", 422),
    ("fake.png", b"GIF89a....", "file", 422),
    ("binary.txt", b"abc\x00def", "file", 422),
    ("empty.pdf", b"", "file", 422),
    ("big.pdf", b"%PDF-" + b"0" * (64 * 1024), None, 413),
])
def test_refused_uploads_store_nothing(api, app, web, name, content, field, status):
    case = start(api)
    r = upload(api, "clara", case["id"], content, name)
    assert r.status_code == status, r.json
    if field:
        assert set(r.json["errors"]) == {field} and r.json["errors"][field]
    assert stored_files(app) == [] and document_rows(web) == 0
    assert not [e for e in api("clara", "GET", f"/cases/{case['id']}/history").json if e["kind"].startswith("document")]


def test_unknown_type_and_missing_file(api, app, web):
    case = start(api)
    r = upload(api, "clara", case["id"], PDF, "a.pdf", doc_type="gossip")
    assert r.status_code == 422 and set(r.json["errors"]) == {"doc_type"}
    r = api("clara", "POST", f"/cases/{case['id']}/documents", content_type="multipart/form-data",
            data={"doc_type": "letter"})
    assert r.status_code == 422 and "file" in r.json["errors"]
    assert stored_files(app) == [] and document_rows(web) == 0


def test_a_failure_after_writing_removes_the_file(api, app, web, monkeypatch):
    from engine import documents

    case = start(api)

    def fail(*_a, **_k):
        raise OSError("disk full")

    monkeypatch.setattr(documents.os, "replace", fail)
    r = upload(api, "clara", case["id"], PDF, "a.pdf")
    assert r.status_code == 500
    assert stored_files(app) == [] and document_rows(web) == 0


def test_files_live_outside_the_web_root_under_random_names(api, app):
    case = start(api)
    r = upload(api, "rob", case["id"], PDF, "my-diagnosis.pdf", doc_type="medical")
    assert r.status_code == 201
    [path] = stored_files(app)
    assert path.parent.name == str(case["id"]) and "diagnosis" not in path.name and len(path.name) == 32
    static = Path(app.static_folder).resolve()
    assert static not in path.resolve().parents
    assert oct(path.parent.stat().st_mode & 0o777) == oct(0o700)
    assert app.test_client().get(f"/static/{path.name}").status_code == 404


def test_medical_documents_need_to_know_and_every_download_is_recorded(api):
    case = start(api)
    med = upload(api, "rob", case["id"], PDF, "oncology-letter.pdf", doc_type="medical").json
    letter = upload(api, "clara", case["id"], PDF, "confirmation.pdf", doc_type="request").json
    assert api("clara", "GET", f"/documents/{med['id']}").status_code == 403
    assert api("rita", "GET", f"/documents/{med['id']}").status_code == 200
    assert api("clara", "GET", f"/documents/{letter['id']}").status_code == 200
    assert api("rob", "GET", f"/documents/{med['id']}").status_code == 200
    history = api("rita", "GET", f"/cases/{case['id']}/history").json
    uploads = [e for e in history if e["kind"] == "document_uploaded"]
    assert uploads[0]["detail"] == {"document": med["id"], "type": "medical", "medical": True, "size": len(PDF)}
    assert uploads[1]["detail"]["filename"] == "confirmation.pdf"
    assert "oncology" not in str(history)  # a medical file name can itself be medical information
    downloads = [(e["actor"], e["detail"]["document"]) for e in history if e["kind"] == "document_downloaded"]
    assert downloads == [("rita", med["id"]), ("clara", letter["id"]), ("rob", med["id"])]
    viewed = [(e["actor"], e["detail"]) for e in history if e["kind"] == "confidential_viewed"]
    assert viewed == [("rita", {"what": "document", "document": med["id"]}),
                      ("rob", {"what": "document", "document": med["id"]})]


def test_a_missing_file_is_a_404_not_a_crash(api, app):
    case = start(api)
    doc = upload(api, "clara", case["id"], PDF, "a.pdf").json
    for path in stored_files(app):
        os.remove(path)
    r = api("clara", "GET", f"/documents/{doc['id']}")
    assert r.status_code == 404


def test_filenames_are_cleaned(api):
    case = start(api)
    r = upload(api, "clara", case["id"], PDF, "../../etc/\x00pass<wd>.pdf")
    assert r.status_code == 201 and r.json["filename"] == "passwd.pdf"


def test_upload_from_the_case_page(app, api, signed_in):
    case = start(api)
    clara = signed_in("clara")
    r = clara.post(f"/cases/{case['id']}/documents", content_type="multipart/form-data",
                   data={"doc_type": "letter", "file": (io.BytesIO(PDF), "letter.pdf")})
    assert r.status_code == 303
    page = clara.get(f"/cases/{case['id']}").text
    assert "letter.pdf" in page and "Added letter or correspondence: letter.pdf" in page
    r = clara.post(f"/cases/{case['id']}/documents", content_type="multipart/form-data",
                   data={"doc_type": "letter", "file": (io.BytesIO(b"MZ"), "tool.exe")})
    assert r.status_code == 422
    assert 'aria-describedby="doc-file-help doc-file-error"' in r.text and 'aria-invalid="true"' in r.text
    assert "this kind of file is not accepted" in r.text
    r = clara.post(f"/cases/{case['id']}/documents", content_type="multipart/form-data",
                   data={"doc_type": "medical", "file": (io.BytesIO(b"%PDF-" + b"0" * 70000), "big.pdf")})
    assert r.status_code == 413 and "larger than the limit" in r.text
