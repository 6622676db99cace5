"""QR codes for printed paper (checkpoint sheets, release slips, passes, survey letters): inline
SVG from segno, so a print view needs no image request and works from the cache."""

from __future__ import annotations

import segno


def qr_svg(text: str, scale: int = 5) -> str:
    """An inline SVG QR code of `text` (medium error correction: survives a crease or a smudge)."""
    return segno.make(text, error="m", micro=False).svg_inline(scale=scale, border=2, title=text)
