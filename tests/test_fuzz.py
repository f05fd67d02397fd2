"""The class of bug behind issue 18's 500s: hostile values in every parameter and field of every operation.

A sample of cashsheet.testing.fuzz's values, in process (seconds, not minutes); `make fuzz` sends all of them
to a running server with demo data. Any 5xx or non-JSON answer fails, listing every case that gave one.
"""

import pytest

from cashsheet.testing import fuzz

STRINGS = ["²", "\x00", "\ud800", "99999999999999999999999"]
VALUES = [None, 2**64, {}]


@pytest.mark.slow
def test_no_operation_answers_5xx_or_html_to_hostile_input(api, settings, admin_user):
    settings.CASHSHEET_RATELIMIT_ENABLED = False
    api.raise_request_exception = False
    spec = api.get("/api/v2/openapi.json").json()
    # Revoking the sweep's own token would turn the rest into 401s.
    spec["paths"] = {p: ops for p, ops in spec["paths"].items() if "/tokens/{id}" not in p}

    def send(case: fuzz.Case) -> tuple[int, str, str]:
        body = fuzz.encode(case)
        response = api.generic(
            case.method, fuzz.url("", case), data=body or b"", content_type="application/json" if body else None
        )
        return response.status_code, response.get("Content-Type", ""), response.content.decode("utf-8", "replace")

    count, failures = fuzz.sweep(send, fuzz.cases(spec, path_values={}, strings=STRINGS, values=VALUES))
    assert count > 1000
    assert not failures, "\n".join(failures[:30])
