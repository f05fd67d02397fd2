"""The one JSON parser of the API: DRF's, refusing what no field could accept before a serializer sees it.

- Nesting deeper than CASHSHEET_MAX_JSON_DEPTH (no resource nests more than a few levels) is 400; a body
  nested thousands of levels deep would otherwise exhaust Python's recursion limit (a 500).
- A NUL character in any string or key is 400 naming its path: PostgreSQL text and jsonb cannot store one.
- A lone surrogate (`"\\ud800"`, valid JSON but not Unicode) likewise: it can be neither stored nor encoded
  back into the UTF-8 of an error message that quotes it (a choice field's "not a valid choice").
"""

from __future__ import annotations

from django.conf import settings
from rest_framework import parsers
from rest_framework.exceptions import ErrorDetail, ParseError, ValidationError


def _join(path: str, key) -> str:
    return f"{path}.{key}" if path else str(key)


def _string_problem(value: str) -> tuple[str, str] | None:
    if "\x00" in value:
        return "null_characters_not_allowed", "Null characters are not allowed."
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return "surrogate_characters_not_allowed", "Surrogate characters are not allowed."
    return None


def body_problem(data, *, max_depth: int) -> tuple[str, str, str] | None:
    """(field path, code, message) of the first thing no field accepts, or None. Iterative: no recursion."""
    stack: list[tuple[object, int, str]] = [(data, 0, "")]
    while stack:
        value, depth, path = stack.pop()
        if isinstance(value, dict | list):
            if depth >= max_depth:
                return path or "non_field_errors", "max_depth", f"Nested more than {max_depth} levels deep."
            items = value.items() if isinstance(value, dict) else enumerate(value)
            for key, item in items:
                if isinstance(key, str) and (problem := _string_problem(key)):
                    return _join(path, key.encode("unicode_escape").decode()), *problem
                stack.append((item, depth + 1, _join(path, key)))
        elif isinstance(value, str) and (problem := _string_problem(value)):
            return path or "non_field_errors", *problem
    return None


class JSONParser(parsers.JSONParser):
    def parse(self, stream, media_type=None, parser_context=None):
        max_depth = settings.CASHSHEET_MAX_JSON_DEPTH
        try:
            data = super().parse(stream, media_type, parser_context)
        except RecursionError:
            raise ParseError(f"JSON parse error - nested more than {max_depth} levels deep.") from None
        problem = body_problem(data, max_depth=max_depth)
        if problem is not None:
            field, code, message = problem
            raise ValidationError({field: [ErrorDetail(message, code=code)]})
        return data
