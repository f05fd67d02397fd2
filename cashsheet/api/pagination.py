"""The list envelope: {"count", "next", "previous", "results"} with absolute links."""

from rest_framework import pagination
from rest_framework.exceptions import NotFound, ValidationError

from cashsheet.api.filters import parse_whole_number


class PageNumberPagination(pagination.PageNumberPagination):
    page_size = 25
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

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and (parse_whole_number(raw) or 0) < 1:
            raise ValidationError({"page": ["Must be a whole number of at least 1."]})
        try:
            return super().paginate_queryset(queryset, request, view)
        except NotFound:
            raise NotFound("That page is past the last page of results.") from None
