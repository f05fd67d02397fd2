"""Check real responses against the OpenAPI document: what a generated client will be handed.

`SpecChecker(spec)` validates a response (status and body) against the operation it answers, with the
OpenAPI 3.0 read validator (`nullable`, `readOnly`, `required`, enums, formats). `walk_reads(get, spec)`
calls every GET operation of the document: lists first, then each detail with an id taken from its list,
so a new resource is checked the day it is routed, with no test to write.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from openapi_schema_validator import OAS30ReadValidator

_PARAM = re.compile(r"\{([^}]+)\}")


class SpecChecker:
    def __init__(self, spec: dict):
        self.spec = spec
        self.prefix = "/api/v2"

    def operation(self, template: str, method: str) -> dict:
        return self.spec["paths"][template][method.lower()]

    def problems(self, template: str, method: str, status: int, body: Any) -> list[str]:
        """What is wrong with answering `status`/`body` to `method template` (empty: it conforms)."""
        responses = self.operation(template, method)["responses"]
        response = responses.get(str(status))
        if response is None:
            return [f"{method} {template}: status {status} is not documented (has {sorted(responses)})"]
        schema = response.get("content", {}).get("application/json", {}).get("schema")
        if schema is None:
            return []
        root = {**schema, "components": self.spec["components"]}
        validator = OAS30ReadValidator(root)
        return [
            f"{method} {template} {status}: {'/'.join(map(str, error.absolute_path)) or '<body>'}: {error.message}"
            for error in sorted(validator.iter_errors(body), key=lambda e: list(map(str, e.absolute_path)))
        ][:20]


def walk_reads(get: Callable[[str], tuple[int, Any]], spec: dict, *, skip=()) -> tuple[list[str], list[str]]:
    """GET every operation of `spec` through `get(url) -> (status, json)`; return (problems, paths walked).

    A path parameter takes the first id of the list the path sits under (`/lots/{id}/` from `/lots/`,
    `/webhook-endpoints/{endpoint_pk}/deliveries/` from `/webhook-endpoints/`); reports' `{name}` from the
    reports index. A path whose list is empty is skipped and listed as not walked by the caller's check.
    """
    checker = SpecChecker(spec)
    problems: list[str] = []
    walked: list[str] = []
    first_ids: dict[str, Any] = {}  # list template -> first result's id
    templates = [t for t, ops in spec["paths"].items() if "get" in ops and t not in skip]
    templates.sort(key=lambda t: (t.count("{"), t))
    for template in templates:
        url = _fill(template, first_ids)
        if url is None:
            continue
        status, body = get(url)
        walked.append(template)
        problems.extend(
            dict.fromkeys(
                re.sub(r"results/\d+/", "results/*/", p) for p in checker.problems(template, "get", status, body)
            )
        )
        if isinstance(body, dict) and isinstance(body.get("results"), list) and body["results"]:
            first = body["results"][0]
            if isinstance(first, dict) and "id" in first:
                first_ids[template] = first["id"]
            elif isinstance(first, dict) and "name" in first:
                first_ids[template] = first["name"]
        elif isinstance(body, dict) and template.endswith("/reports/"):
            names = [r.get("name") for r in body.get("reports", body.get("results", [])) if isinstance(r, dict)]
            if names:
                first_ids[template] = names[0]
    return problems, walked


def _fill(template: str, first_ids: dict[str, Any]) -> str | None:
    """The URL for `template` with each parameter taken from its parent list's first id, or None."""
    url = template
    for match in _PARAM.finditer(template):
        parent = template[: match.start()]
        parent_filled = _fill(parent, first_ids) if "{" in parent else parent
        if parent not in first_ids or parent_filled is None:
            return None
        url = url.replace(match.group(0), str(first_ids[parent]), 1)
    return url
