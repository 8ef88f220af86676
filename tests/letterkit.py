"""Reading issued letters in tests: the PDF parsed with pypdf (tags, language, title, text)."""

from __future__ import annotations

from io import BytesIO

from pypdf import PdfReader

from engine import letters


def pdf_facts(data: bytes) -> dict:
    reader = PdfReader(BytesIO(data))
    root = reader.trailer["/Root"]
    mark = root.get("/MarkInfo") or {}
    text = " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)
    return {"tagged": bool(mark.get("/Marked")) and "/StructTreeRoot" in root, "lang": root.get("/Lang"),
            "title": reader.metadata.title if reader.metadata else None, "text": text, "pages": len(reader.pages)}


def issued(service, case_id, reader: str, kind: str | None = None) -> list:
    return [r for r in letters.list_letters(service, case_id, reader) if kind is None or r.kind == kind]


def read_pdf(service, case_id, reader: str, kind: str) -> tuple[object, dict]:
    """The newest letter of `kind` and its PDF's facts, as `reader` downloads it."""
    found = issued(service, case_id, reader, kind)
    assert found, f"no {kind} letter in case {case_id}; issued: {[r.kind for r in issued(service, case_id, reader)]}"
    info, body, ctype = letters.open_letter(service, case_id, found[-1].id, reader, "pdf")
    assert ctype == "application/pdf" and body.startswith(b"%PDF-")
    facts = pdf_facts(body)
    assert facts["tagged"], "the PDF is not tagged (PDF/UA needs a structure tree)"
    assert facts["lang"] == "en"
    assert facts["title"] and facts["title"].startswith(info.title)
    return info, facts
