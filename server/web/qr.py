"""QR codes drawn on the server (segno): an invite sheet carries its sign-up link as inline SVG, so
no image service ever sees a code and the CSP needs no exception."""

from __future__ import annotations

import segno
from markupsafe import Markup


def qr_svg(text: str, title: str) -> Markup:
    """An SVG of `text` as a QR code (error correction M, 6 px modules), named by `title` for
    screen readers. segno escapes the title; the rest is drawn from the matrix, not from `text`."""
    code = segno.make_qr(text, error="m", boost_error=False)
    return Markup(code.svg_inline(scale=6, border=4, title=title, svgclass="qr", lineclass=None, omitsize=True))
