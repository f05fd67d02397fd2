"""CSV for reports: the header is the report's `columns`, then its rows, then a totals row.

Cells go through cashsheet.api.csv (no spreadsheet formulas; numbers left as numbers)."""

import csv
import io

from rest_framework.renderers import BaseRenderer

from cashsheet.api.csv import csv_row


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
