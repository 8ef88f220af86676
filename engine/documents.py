"""Case documents (Navy 1-4: every document is kept in the RA file).

Files are stored outside the web root (default `instance/documents/<case id>/<random name>`), apart
from user and personnel data; a `document` row records type, medical or not, uploader and checksum.
The file's kind is decided from its extension *and* its first bytes; the client's content type is
never trusted. A refused upload (wrong kind, empty, too large) stores nothing; a failure after the
file is written removes it again. Medical documents are downloaded only by need-to-know roles and
the requester; every download is recorded in the case history.
"""

from __future__ import annotations

import hashlib
import io
import os
import re
import secrets
import unicodedata
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from . import clock, permissions
from .access import Actor
from .casefile import check_view_case, load_case, may_see_confidential, note_confidential_view
from .errors import Forbidden, NotFound, RaflowError, ValidationFailed
from .history import record_event
from .store import Document

DEFAULT_MAX_BYTES = 10 * 1024 * 1024

# key: (title, medical). A jurisdiction may replace this with [documents.types.<key>] title/medical.
DEFAULT_TYPES: dict[str, tuple[str, bool]] = {
    "medical": ("Medical documentation", True),
    "request": ("Written request or confirmation form", False),
    "analysis": ("Analysis or assessment (no medical details)", False),
    "letter": ("Letter or correspondence", False),
    "decision": ("Decision or notice", False),
    "other": ("Other (no medical information)", False),
}

_ZIP = (b"PK\x03\x04",)
_OLE = (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",)
# extension: (content type, accepted leading bytes; None = plain UTF-8 text)
KINDS: dict[str, tuple[str, tuple[bytes, ...] | None]] = {
    ".pdf": ("application/pdf", (b"%PDF-",)),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".gif": ("image/gif", (b"GIF87a", b"GIF89a")),
    ".tif": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    ".tiff": ("image/tiff", (b"II*\x00", b"MM\x00*")),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".pptx": ("application/vnd.openxmlformats-officedocument.presentationml.presentation", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".doc": ("application/msword", _OLE),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".rtf": ("application/rtf", (b"{\\rtf",)),
    ".txt": ("text/plain; charset=utf-8", None),
}
ACCEPT = ",".join(sorted(KINDS))


class TooLarge(RaflowError):
    """The file is over the size limit (HTTP 413)."""


@dataclass(frozen=True)
class DocumentInfo:
    id: int
    case_id: int
    doc_type: str
    type_title: str
    medical: bool
    filename: str
    content_type: str
    size: int
    uploaded_by: str
    uploaded_at: object


def document_types(deployed) -> dict[str, tuple[str, bool]]:
    configured = (deployed.jurisdiction.config.get("documents") or {}).get("types")
    if not isinstance(configured, dict) or not configured:
        return dict(DEFAULT_TYPES)
    return {str(k): (str(v.get("title", k)), bool(v.get("medical", False)))
            for k, v in configured.items() if isinstance(v, dict)}


def clean_filename(name: str | None) -> str:
    """A safe display and download name: no path, no control characters, and no invisible format
    characters (Unicode Cf: right-to-left overrides and other bidi controls that disguise an extension)."""
    name = unicodedata.normalize("NFC", os.path.basename((name or "").replace("\\", "/")))
    name = "".join(c for c in name if unicodedata.category(c) != "Cf")
    name = re.sub(r"[\x00-\x1f\x7f\"<>|:*?/]", "", name).strip(" .")
    if len(name) > 200:
        stem, ext = os.path.splitext(name)
        name = stem[: 200 - len(ext)] + ext
    return name or "document"


def sniff(filename: str, head: bytes) -> str:
    """The content type for an allowed file, or raise ValidationFailed naming what is accepted."""
    ext = os.path.splitext(filename)[1].lower()
    if ext not in KINDS:
        raise ValidationFailed({"file": f"this kind of file is not accepted; use PDF, an image or an office file "
                                        f"({', '.join(sorted(KINDS))})"})
    ctype, magic = KINDS[ext]
    if magic is None:
        if b"\x00" in head:
            raise ValidationFailed({"file": "the file is not plain text"})
        try:
            head.decode("utf-8")
        except UnicodeDecodeError as err:
            if err.start < len(head) - 4:  # a multi-byte character cut at the end of head is fine
                raise ValidationFailed({"file": "the file is not UTF-8 text"}) from None
    elif not any(head.startswith(m) for m in magic):
        raise ValidationFailed({"file": f"the file's content is not a {ext[1:].upper()} file"})
    return ctype


ZIP_INFLATE_FACTOR = 20  # an office file may unpack to 20 times the upload limit (200 MB by default)
ZIP_MAX_ENTRIES = 10_000


def check_zip(data: bytes, name: str, limit: int) -> None:
    """Zip-based office files (docx, xlsx, pptx, odt, ods) must open and stay small when unpacked:
    a zip bomb is refused before anyone's office program or indexer inflates it."""
    ext = os.path.splitext(name)[1][1:].upper()
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError):
        raise ValidationFailed({"file": f"the file is not a valid {ext} file"}) from None
    if len(entries) > ZIP_MAX_ENTRIES:
        raise ValidationFailed({"file": f"the {ext} file has too many parts ({len(entries):,})"})
    inflated = sum(e.file_size for e in entries)
    if inflated > limit:
        raise ValidationFailed({"file": f"the {ext} file unpacks to {inflated // (1024 * 1024):,} MB, more than "
                                        f"the limit of {limit // (1024 * 1024):,} MB"})


class DocumentService:
    def __init__(self, db, registry, root: str | os.PathLike, max_bytes: int = DEFAULT_MAX_BYTES):
        self.db = db
        self.registry = registry
        self.root = Path(root)
        self.max_bytes = int(max_bytes)

    def types(self, case_id, actor: Actor) -> dict[str, tuple[str, bool]]:
        with self.db.transaction() as s:
            case = load_case(s, case_id, with_workflow=False)
            check_view_case(s, actor, case)
            return document_types(self.registry.get(s, case.definition_id))

    def upload(self, case_id, actor: Actor, doc_type: str, filename: str | None, stream) -> DocumentInfo:
        """Store one file (a binary stream or bytes) in the case's RA file; all or nothing."""
        with self.db.transaction() as s:
            case = load_case(s, case_id, with_workflow=False)
            deployed = self.registry.get(s, case.definition_id)
            permissions.check_action(s, actor, case, "upload", deployed.jurisdiction.config)
            types = document_types(deployed)
        errors = {}
        if doc_type not in types:
            errors["doc_type"] = f"choose one of: {', '.join(t for t, _ in types.values())}"
        name = clean_filename(filename)
        if filename in (None, ""):
            errors["file"] = "choose a file to upload"
        if errors:
            raise ValidationFailed(errors)
        data = stream if isinstance(stream, bytes) else stream.read(self.max_bytes + 1)
        if len(data) > self.max_bytes:
            raise TooLarge(f"the file is larger than the limit of {self.max_bytes // (1024 * 1024)} MB")
        if not data:
            raise ValidationFailed({"file": "the file is empty"})
        ctype = sniff(name, data[:4096])
        if KINDS[os.path.splitext(name)[1].lower()][1] == _ZIP:
            check_zip(data, name, self.max_bytes * ZIP_INFLATE_FACTOR)
        title, medical = types[doc_type]
        folder = self.root / str(case.id)
        folder.mkdir(parents=True, exist_ok=True, mode=0o700)
        storage = secrets.token_hex(16)
        tmp = folder / f".{storage}.part"
        final = folder / storage
        try:
            with open(tmp, "xb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            with self.db.transaction() as s:
                now = clock.now()
                doc = Document(case_id=case.id, doc_type=doc_type, medical=medical, filename=name, content_type=ctype,
                               size=len(data), sha256=hashlib.sha256(data).hexdigest(), storage_name=storage,
                               uploaded_by=actor.name, uploaded_at=now)
                s.add(doc)
                s.flush()
                # A medical document's file name may itself reveal a diagnosis: not in the history.
                detail = {"document": doc.id, "type": doc_type, "medical": medical, "size": len(data)}
                if not medical:
                    detail["filename"] = name
                record_event(s, case.id, actor.name, "document_uploaded", detail=detail, at=now)
                os.replace(tmp, final)
            return _info(doc, title)
        except BaseException:
            for path in (tmp, final):
                try:
                    path.unlink()
                except FileNotFoundError:
                    pass
            raise

    def list(self, case_id, actor: Actor) -> tuple[list[DocumentInfo], int]:
        """Documents this actor may see, and how many medical documents are withheld."""
        with self.db.transaction() as s:
            case = load_case(s, case_id, with_workflow=False)
            check_view_case(s, actor, case)
            deployed = self.registry.get(s, case.definition_id)
            types = document_types(deployed)
            allowed = may_see_confidential(actor, deployed, case)
            rows = list(s.execute(select(Document).where(Document.case_id == case.id).order_by(Document.id)).scalars())
        shown = [_info(d, types.get(d.doc_type, (d.doc_type, d.medical))[0]) for d in rows if allowed or not d.medical]
        return shown, len(rows) - len(shown)

    def open(self, document_id, actor: Actor) -> tuple[DocumentInfo, Path]:
        """Authorize a download, record it in the case history, and return the file's path."""
        try:
            wanted = int(document_id)
        except (TypeError, ValueError):
            raise NotFound(f"no document {document_id}") from None
        with self.db.transaction() as s:
            doc = s.get(Document, wanted)
            if doc is None:
                raise NotFound(f"no document {document_id}")
            case = load_case(s, doc.case_id, with_workflow=False)
            deployed = self.registry.get(s, case.definition_id)
            try:
                permissions.check_action(s, actor, case, "download", deployed.jurisdiction.config)
            except NotFound:
                raise NotFound(f"no document {document_id}") from None
            if doc.medical and not may_see_confidential(actor, deployed, case):
                raise Forbidden("medical documents are shown only to those with a need to know")
            path = self.root / str(case.id) / doc.storage_name
            if not path.is_file():
                raise NotFound(f"the file of document {doc.id} is missing from the document store")
            now = clock.now()
            detail = {"document": doc.id, "type": doc.doc_type, "medical": doc.medical}
            record_event(s, case.id, actor.name, "document_downloaded", detail=detail, at=now)
            if doc.medical:
                note_confidential_view(s, case.id, actor.name, {"what": "document", "document": doc.id}, at=now)
            title = document_types(deployed).get(doc.doc_type, (doc.doc_type, doc.medical))[0]
            return _info(doc, title), path


def _info(doc: Document, title: str) -> DocumentInfo:
    return DocumentInfo(doc.id, doc.case_id, doc.doc_type, title, doc.medical, doc.filename, doc.content_type,
                        doc.size, doc.uploaded_by, doc.uploaded_at)
