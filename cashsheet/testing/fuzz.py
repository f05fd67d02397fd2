"""Hostile-input sweep over every operation of the OpenAPI schema: the class of bug behind issue 18's 500s.

Schema-driven fuzzers (schemathesis) send what the schema describes, so `?page=` gets integers and never
"²". This sweep sends values no schema describes into every query parameter, path parameter and body field
of every operation, and reports every answer that is a 5xx or not JSON. Used by tests/test_fuzz.py (a short
list of values) and by `make fuzz` (all of them, against a running server).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Callable, Iterator
from dataclasses import dataclass

# Strings a client (or an attacker) can put anywhere. Each once broke a parser somewhere.
HOSTILE_STRINGS = [
    "²",  # isdigit() but not int()
    "٣",  # int() accepts Arabic-Indic digits
    "１２",  # full-width digits
    "\x00",  # PostgreSQL text cannot hold NUL
    "a\x00b",
    "99999999999999999999999",  # beyond bigint
    "-1",
    "0",
    "1e309",  # float overflow
    "NaN",
    "Infinity",
    "-0.00",
    "1.0000000000000000000000001",
    "12345678901234567890.12",
    "",
    " ",
    "\u202e",
    "\ud800",  # a lone surrogate (sent as JSON escape)
    "x" * 5000,
    "2026-02-30",
    "0000-00-00",
    "9999-12-31T23:59:59+99:00",
    "-1000-01-01",
    "'; DROP TABLE x; --",
    "%",
    "*",
    ",",
    "a,b,,",
    "../../etc/passwd",
    "=1+1",
    "true",
    "null",
]
# JSON values of the wrong type for any field.
HOSTILE_VALUES = [None, True, -1, 0, 2**64, -(2**63) - 1, 1.5, 1e308, [], {}, [None], {"a": None}, [[[[]]]]]
SHORT_STRINGS = ["²", "\x00", "99999999999999999999999", "1e309", "NaN", "", "x" * 5000, "2026-02-30", ","]
SHORT_VALUES = [None, True, 2**64, -1, [], {}]


@dataclass
class Case:
    method: str
    path: str
    params: dict | None = None
    body: object = None
    raw_body: bytes | None = None

    def describe(self) -> str:
        body = self.raw_body[:80] if self.raw_body is not None else json.dumps(self.body, default=str)[:200]
        return f"{self.method} {self.path} params={self.params!r} body={body}"


def _example_body(operation: dict, spec: dict) -> dict | None:
    content = (operation.get("requestBody") or {}).get("content", {}).get("application/json")
    if not content:
        return None
    for example in (content.get("examples") or {}).values():
        if isinstance(example.get("value"), dict):
            return example["value"]
    if isinstance(content.get("example"), dict):
        return content["example"]
    schema = content.get("schema", {})
    if "$ref" in schema:
        schema = _resolve(spec, schema["$ref"])
    return {name: "x" for name in schema.get("properties", {})}


def _resolve(spec: dict, ref: str) -> dict:
    node = spec
    for part in ref.lstrip("#/").split("/"):
        node = node[part]
    return node


def cases(spec: dict, *, path_values: dict[str, str], short: bool = False, strings=None, values=None) -> Iterator[Case]:
    """Every (operation, hostile input) pair. `path_values` fills path parameters with real ids."""
    strings = strings if strings is not None else (SHORT_STRINGS if short else HOSTILE_STRINGS)
    values = values if values is not None else (SHORT_VALUES if short else HOSTILE_VALUES)
    for template, operations in spec["paths"].items():
        for method, operation in operations.items():
            if method not in ("get", "post", "patch", "put", "delete") or not isinstance(operation, dict):
                continue
            if template.endswith(("/docs/", "/openapi.json")):
                continue
            names = [p["name"] for p in operation.get("parameters", []) if p["in"] == "path"]
            concrete = template
            for name in names:
                concrete = concrete.replace("{" + name + "}", path_values.get(name, "1"))
            # Path parameters: each hostile string in each position (GET only: a write to a bad id is a 404 too).
            if method == "get":
                for name in names:
                    for value in strings:
                        if "/" in value or not value.strip():
                            continue
                        yield Case("GET", template.replace("{" + name + "}", value).replace("{", "").replace("}", ""))
            query = [p["name"] for p in operation.get("parameters", []) if p["in"] == "query"]
            for name in query:
                for value in strings:
                    yield Case(method.upper(), concrete, params={name: value})
            body = _example_body(operation, spec) if method in ("post", "patch", "put") else None
            if body is None:
                continue
            yield Case(method.upper(), concrete, raw_body=b"[" * 5000 + b"]" * 5000)
            yield Case(method.upper(), concrete, raw_body=b'{"a": 1e99999}')
            yield Case(method.upper(), concrete, raw_body=b"\xff\xfe{}")
            yield Case(method.upper(), concrete, body=[body])
            for key in body:
                for value in [*strings, *values]:
                    mutated = copy.deepcopy(body)
                    mutated[key] = value
                    yield Case(method.upper(), concrete, body=mutated)
                    # One level down, for nested lines and addresses.
                    if isinstance(body[key], list) and body[key] and isinstance(body[key][0], dict):
                        for inner in body[key][0]:
                            deeper = copy.deepcopy(body)
                            deeper[key][0][inner] = value
                            yield Case(method.upper(), concrete, body=deeper)
                    elif isinstance(body[key], dict):
                        for inner in body[key]:
                            deeper = copy.deepcopy(body)
                            deeper[key][inner] = value
                            yield Case(method.upper(), concrete, body=deeper)


def encode(case: Case) -> bytes | None:
    if case.raw_body is not None:
        return case.raw_body
    if case.body is None:
        return None
    # ensure_ascii keeps a lone surrogate as the \\ud800 escape a hostile client would send.
    return json.dumps(case.body, ensure_ascii=True).encode()


def sweep(send: Callable[[Case], tuple[int, str, str]], all_cases: Iterator[Case]) -> tuple[int, list[str]]:
    """Send every case; return (how many, descriptions of the answers that were 5xx or not JSON)."""
    failures, count = [], 0
    for case in all_cases:
        count += 1
        status, content_type, text = send(case)
        is_json = content_type.split(";")[0].strip() in ("application/json", "text/csv")
        no_body = status in (204, 304) or (status < 400 and not text)
        if status >= 500 or not (is_json or no_body):
            failures.append(f"{status} {content_type}: {case.describe()} -> {text[:300]}")
    return count, failures


def _quote(value: str) -> str:
    from urllib.parse import quote

    # surrogatepass: a lone surrogate goes out as the (invalid) UTF-8 bytes a broken client would send.
    return quote(value.encode("utf-8", "surrogatepass"), safe="")


def url(base_url: str, case: Case) -> str:
    """The request URL, percent-encoded by hand: requests refuses to encode a lone surrogate."""
    path = "/".join(_quote(part) for part in case.path.split("/"))
    query = "&".join(f"{_quote(k)}={_quote(v)}" for k, v in (case.params or {}).items())
    return f"{base_url}{path}" + (f"?{query}" if query else "")


def http_sender(base_url: str, headers: dict[str, str]):
    """A `send` for `sweep` over real HTTP (requests), with the given Host and Authorization headers."""
    import requests

    session = requests.Session()
    session.headers.update(headers)

    def send(case: Case) -> tuple[int, str, str]:
        body = encode(case)
        extra = {"Content-Type": "application/json"} if body is not None else {}
        response = session.request(case.method, url(base_url, case), data=body, headers=extra, timeout=60,
                                   allow_redirects=False)  # fmt: skip
        return response.status_code, response.headers.get("Content-Type", ""), response.text

    return send


def main() -> None:
    import argparse

    import requests

    parser = argparse.ArgumentParser(description="Hostile-input sweep against a running CashSheet server.")
    parser.add_argument("--url", default="http://127.0.0.1:8000")
    parser.add_argument("--host", default="blythe.localhost", help="the silo's host")
    parser.add_argument("--token", required=True)
    parser.add_argument("--short", action="store_true", help="the short list of values (as the test suite)")
    parser.add_argument("--match", default="", help="only paths containing this")
    args = parser.parse_args()
    headers = {"Host": args.host, "Authorization": f"Bearer {args.token}"}
    spec = requests.get(f"{args.url}/api/v2/openapi.json", headers=headers, timeout=60).json()
    # Skip what would lock the sweep out (revoking its own token).
    spec["paths"] = {p: o for p, o in spec["paths"].items() if "/tokens/{id}" not in p and args.match in p}
    count, failures = sweep(http_sender(args.url, headers), cases(spec, path_values={}, short=args.short))
    print(f"{count} requests, {len(failures)} failures")
    for failure in failures:
        print(failure)
    raise SystemExit(1 if failures else 0)


if __name__ == "__main__":
    main()
