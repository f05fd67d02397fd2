"""schemathesis over every operation of the live document: each answer's status is documented for its
operation and its body conforms to the documented schema (status_code_conformance,
response_schema_conformance), and none is a 5xx (not_a_server_error). Zero failures.

Against the suite's gunicorn, in a silo of its own (`fuzz`), as a silo admin whose user and token ids are
far from the small ids the generator tries, so that PATCH /users/{id}/ or POST /tokens/{id}/revoke/ with a
generated id never locks the run out; the token's rate limit is raised so the run measures conformance,
not the limiter (a 429 would be documented anyway). The example count is bounded (EXAMPLES per operation,
fixed seed, one worker so that the same seed sends the same requests in the same order) to keep the run
to a couple of minutes; `CASHSHEET_SCHEMATHESIS_EXAMPLES` / `CASHSHEET_SCHEMATHESIS_SEED` widen it locally.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import requests
from django.db import connection

pytestmark = [pytest.mark.live, pytest.mark.slow]

EXAMPLES = int(os.environ.get("CASHSHEET_SCHEMATHESIS_EXAMPLES", "3"))
SEED = os.environ.get("CASHSHEET_SCHEMATHESIS_SEED", "17")
CHECKS = "status_code_conformance,response_schema_conformance,not_a_server_error"
FAR_ID = 900_000_001  # ids the run's own user and token get (generated ids are small or extreme)


@pytest.fixture(scope="session")
def fuzz_silo_token(django_db_setup, django_db_blocker) -> tuple[str, str]:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from silos.api_testing import ensure_silos
    from silos.members.models import ApiToken
    from silos.members.services import token_create

    with django_db_blocker.unblock():
        silo = ensure_silos({"fuzz": "Fuzz Foods"})["fuzz"]
        with schema_context("fuzz"):
            user_model = get_user_model()
            user = user_model.objects.filter(pk=FAR_ID).first() or user_model.objects.create_superuser(
                id=FAR_ID, username="schemathesis", email="schemathesis@fuzz.localhost", password=None
            )
            token, raw = token_create(user=user, name="schemathesis")
            ApiToken.objects.filter(pk=token.pk).update(
                id=FAR_ID + token.pk, rate_limit_per_minute=1_000_000, rate_limit_burst=100_000
            )
        connection.set_schema_to_public()
    return silo.host, raw


def test_every_operation_conforms_to_the_document(http_server, fuzz_silo_token, tmp_path: Path):
    host, token = fuzz_silo_token
    spec = requests.get(f"{http_server.url}/api/v2/openapi.json", headers={"Host": host}, timeout=120)
    assert spec.status_code == 200
    schema = tmp_path / "openapi.json"
    schema.write_text(spec.text)
    operations = sum(1 for ops in spec.json()["paths"].values() for m in ops if m in ("get", "post", "patch", "delete"))
    report = tmp_path / "report.json"
    done = subprocess.run(
        [sys.executable, "-m", "schemathesis.cli", "run", str(schema), "--url", http_server.url,
         "-H", f"Host: {host}", "-H", f"Authorization: Bearer {token}",
         "-c", CHECKS, "-n", str(EXAMPLES), "--seed", SEED, "--phases", "examples,fuzzing",
         "--workers", "1", "--request-timeout", "60", "--no-color", "--output-truncate", "true",
         "--suppress-health-check", "all", "--report", "ndjson", "--report-ndjson-path", str(report)],
        capture_output=True, text=True, timeout=900, cwd=tmp_path,
    )  # fmt: skip
    # On failure: the FAILURES / ERRORS sections (what failed, with a curl line to reproduce) and the summary.
    out = done.stdout
    start = min((i for i in (out.find("= FAILURES ="), out.find("= ERRORS =")) if i >= 0), default=0)
    end = out.find("= WARNINGS =", start)
    detail = out[max(0, start - 200) : end if end > 0 else None][:30000] + "\n" + "\n".join(out.splitlines()[-25:])
    assert done.returncode == 0, f"{detail}\n{done.stderr[-3000:]}"
    summary = [line for line in done.stdout.splitlines() if "passed" in line or "failed" in line]
    assert summary, out[-5000:]
    assert operations >= 80, operations
    print(json.dumps({"operations": operations, "examples": EXAMPLES, "summary": summary[-3:]}))
