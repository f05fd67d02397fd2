"""Cursor pagination for the trail: it only grows, so pages by id stay stable and cost no count(*)."""

from rest_framework import pagination
from rest_framework.exceptions import ValidationError

from cashsheet.api.filters import parse_whole_number


class AuditCursorPagination(pagination.CursorPagination):
    ordering = "-id"
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200  # a larger page_size is served as 200, not refused

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None:
            return self.page_size
        size = parse_whole_number(raw)
        if size is None or size < 1:
            raise ValidationError({"page_size": ["Must be a whole number of at least 1."]})
        return min(size, self.max_page_size)

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except Exception as exc:  # DRF answers a bad cursor with 404; it is bad input: 400 naming it
            if request.query_params.get(self.cursor_query_param) is None:
                raise
            raise ValidationError({"cursor": ["Not a cursor from a `next` or `previous` link."]}) from exc
