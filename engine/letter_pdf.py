"""HTML letter to tagged PDF with WeasyPrint (PDF/UA-1: language, title, structure tree, real text).

WeasyPrint is a well-kept HTML/CSS-to-PDF library that writes PDF/UA itself, so we write no PDF
code. It needs the Pango library (Debian: libpango-1.0-0 and libpangoft2-1.0-0, present on desktop
installs; see README). A letter never fetches anything: every URL is refused, so a template cannot
read local files or reach the network.
"""

from __future__ import annotations


class PdfUnavailable(Exception):
    """WeasyPrint or its Pango library is missing on this machine."""


def _refuse(url, *args, **kwargs):
    raise ValueError(f"letters may not load {url[:60]!r}: images and styles must be inside the letter")


def html_to_pdf(html: str) -> bytes:
    """Render a full HTML document (with lang and title) to PDF/UA-1 bytes."""
    try:
        from weasyprint import HTML
    except (ImportError, OSError) as err:  # OSError: Pango not found
        raise PdfUnavailable(f"PDF rendering needs WeasyPrint and Pango: {err}") from None
    return HTML(string=html, url_fetcher=_refuse, base_url=None).write_pdf(pdf_variant="pdf/ua-1")
