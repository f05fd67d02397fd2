"""Clients generated from the live OpenAPI document work, as an integration's developer would use them.

- Python: openapi-python-client (its own venv, clients/.venv, from clients/python/requirements.txt) generates
  a client from `/api/v2/openapi.json` as served by gunicorn, and clients/python/workflow.py runs a workflow
  through it against that server: create, upsert by external_ref after a 409 parsed as `Error` with
  `existing_id`, order → confirm → ATP, journal entries, event types, a 404 parsed as `Error`.
- TypeScript: openapi-typescript (clients/package-lock.json) turns the same document into types and
  `tsc --noEmit --strict --noUncheckedIndexedAccess` checks clients/typescript/workflow.ts against them;
  a deliberately wrong program must fail, so the check is known to bite.

The tools come from `make client-tools` (which `make test` runs; the fixtures run it too, a no-op once
built). Without node the TypeScript tests skip, saying so; nothing else does.
"""

from __future__ import annotations

import json
import shutil
import subprocess
from pathlib import Path

import pytest
import requests
from django.conf import settings

from cashsheet.testing import unique

pytestmark = [pytest.mark.live, pytest.mark.slow]

ROOT = Path(settings.BASE_DIR)
CLIENTS = ROOT / "clients"
TOOL_PYTHON = CLIENTS / ".venv" / "bin" / "python"
NODE_BIN = CLIENTS / "node_modules" / ".bin"
TSC_FLAGS = ["--noEmit", "--strict", "--noUncheckedIndexedAccess", "--target", "es2022", "--module", "esnext",
             "--moduleResolution", "bundler", "--lib", "es2022,dom"]  # fmt: skip


def _run(args, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run(args, capture_output=True, text=True, timeout=300, **kwargs)


@pytest.fixture(scope="session")
def client_tools():
    done = _run(["make", "-s", "--no-print-directory", "client-tools"], cwd=ROOT)
    assert done.returncode == 0, done.stdout + done.stderr
    assert TOOL_PYTHON.exists(), "make client-tools made no clients/.venv"


@pytest.fixture(scope="session")
def live_spec(http_server, live_silo, tmp_path_factory) -> Path:
    """The document as the live server serves it at the silo's host (its `servers` name that host)."""
    response = requests.get(f"{http_server.url}/api/v2/openapi.json", headers={"Host": live_silo.host}, timeout=120)
    assert response.status_code == 200, response.text[:500]
    path = tmp_path_factory.mktemp("spec") / "openapi.json"
    path.write_text(json.dumps(response.json()))
    return path


@pytest.fixture(scope="session")
def python_client(client_tools, live_spec, tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("pyclient")
    env = {"PATH": f"{TOOL_PYTHON.parent}:/usr/bin:/bin", "HOME": str(out)}  # its ruff formats the output
    done = _run(
        [str(TOOL_PYTHON.parent / "openapi-python-client"), "generate", "--path", str(live_spec),
         "--output-path", str(out / "cashsheet_client"), "--meta", "none"],
        env=env, cwd=out,
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    # It generates what it can and warns about the rest: a skipped endpoint or schema is a defect of ours.
    assert "Warning" not in done.stdout + done.stderr, done.stdout + done.stderr
    return out


def test_a_workflow_through_the_generated_python_client(python_client, http_server, live_silo, live_admin_token):
    prefix = unique("GEN")
    done = _run(
        [str(TOOL_PYTHON), str(CLIENTS / "python" / "workflow.py"), http_server.url, live_silo.host,
         live_admin_token, prefix],
        env={"PYTHONPATH": str(python_client), "PATH": "/usr/bin:/bin"},
    )  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    seen = json.loads(done.stdout.strip().splitlines()[-1])
    assert seen["upsert"]["fields"] == ["external_ref"] and seen["upsert"]["existing_id"] > 0
    assert seen["order"]["draft_source_facility_code"] is None
    assert seen["order"]["confirmed"] == "confirmed" and seen["order"]["atp"] == "feasible"
    assert seen["order"]["atp_short"] in ("partial", "infeasible")
    assert seen["event_types"] >= 5 and seen["not_found"] == "not_found"


def test_the_generated_python_client_parses_a_refused_token_as_error(python_client, http_server, live_silo):
    """A wrong token is a documented 401: the client hands back the Error model, never None."""
    script = (
        "from cashsheet_client import AuthenticatedClient\n"
        "from cashsheet_client.api.customers import customers_list\n"
        "from cashsheet_client.models import Error\n"
        "import sys\n"
        "c = AuthenticatedClient(base_url=sys.argv[1], token='cs_wrong_token', headers={'Host': sys.argv[2]},"
        " raise_on_unexpected_status=True)\n"
        "r = customers_list.sync(client=c)\n"
        "assert isinstance(r, Error) and r.status == 401, r\n"
        "print(r.code)\n"
    )
    done = _run([str(TOOL_PYTHON), "-c", script, http_server.url, live_silo.host],
                env={"PYTHONPATH": str(python_client), "PATH": "/usr/bin:/bin"})  # fmt: skip
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip()


@pytest.fixture(scope="session")
def typescript_types(client_tools, live_spec, tmp_path_factory) -> Path:
    if shutil.which("node") is None:
        pytest.skip("node is not installed: openapi-typescript and tsc need it (apt-get install nodejs npm)")
    assert (NODE_BIN / "tsc").exists(), "make client-tools did not install clients/node_modules (npm ci)"
    out = tmp_path_factory.mktemp("ts")
    done = _run([str(NODE_BIN / "openapi-typescript"), str(live_spec), "-o", str(out / "cashsheet-api.d.ts")])
    assert done.returncode == 0, done.stdout + done.stderr
    return out


def test_typescript_types_check_a_strict_program(typescript_types):
    shutil.copy(CLIENTS / "typescript" / "workflow.ts", typescript_types / "workflow.ts")
    done = _run([str(NODE_BIN / "tsc"), *TSC_FLAGS, "workflow.ts"], cwd=typescript_types)
    assert done.returncode == 0, done.stdout + done.stderr


def test_tsc_refuses_a_program_that_misreads_the_types(typescript_types):
    """The control: the same check fails on a program that treats a nullable field or an error as it is not."""
    (typescript_types / "wrong.ts").write_text(
        'import type { components } from "./cashsheet-api";\n'
        'type S = components["schemas"];\n'
        'export const a = (l: S["SalesOrderLine"]): string => l.source_facility_code.toLowerCase();\n'
        'export const b = (e: S["Error"]): number => e.detail;\n'
        'export const c = (e: S["Error"]): number => e.errors[0].existing_id;\n'
    )
    done = _run([str(NODE_BIN / "tsc"), *TSC_FLAGS, "wrong.ts"], cwd=typescript_types)
    assert done.returncode != 0
    for line in ("wrong.ts(3,", "wrong.ts(4,", "wrong.ts(5,"):
        assert line in done.stdout, done.stdout
