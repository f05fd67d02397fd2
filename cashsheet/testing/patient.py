"""Starting a gunicorn on a machine so busy that its first /healthz takes more than a second.

`Gunicorn.start` polls /healthz with a 1 s read timeout; while the workers are still importing Django, that
poll times out and start() gives up with the server still running. This keeps polling, longer, and stops the
server if it never answers, so a failed start never leaves a process holding the test database.
"""

from __future__ import annotations

import time

import requests

from cashsheet.testing.servers import Gunicorn


def gunicorn_start_patiently(server: Gunicorn, timeout: float = 90.0) -> Gunicorn:
    try:
        return server.start(timeout=timeout)
    except requests.RequestException:
        pass  # a slow first answer, not a dead server: keep waiting below
    except Exception:
        server.stop()
        raise
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.proc is None or server.proc.poll() is not None:
            break
        try:
            if requests.get(f"{server.url}/healthz", timeout=10).status_code == 200:
                return server
        except requests.RequestException:
            time.sleep(0.2)
    server.stop()
    raise RuntimeError(f"gunicorn did not answer in {timeout}s: {server.log_path.read_text()[-2000:]}")
