"""The QR code of a ticket, as inline SVG (no script, no style attribute: fine under the CSP)."""

from __future__ import annotations

import segno
from django.utils.safestring import SafeString, mark_safe


def qr_svg(code: str, *, scale: int = 8) -> SafeString:
    """A regular QR code (never a Micro QR, which phone scanners and jsQR do not read) of the
    ticket's code, with the standard quiet zone."""
    qr = segno.make_qr(code, error="m")
    svg = qr.svg_inline(scale=scale, border=4, title="签到二维码", svgclass="ticket-qr")
    return mark_safe(svg)  # segno's own markup of an alphanumeric code
