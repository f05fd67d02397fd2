"""Webhook receiver for bench/cluster.py: verifies each delivery's signature and logs it, one JSON line each.

Usage: python bench/cluster_receiver.py --port 8183 --log deliveries.jsonl --secrets secrets.json
`secrets.json` maps an endpoint key (the last path segment, e.g. /hook/s01-all) to its whsec_ secret.
Answers 200 to a good delivery, 401 to a bad signature (logged too, so the check sees it).
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def verify(body: bytes, header: str, secret: str) -> bool:
    parts = [p.split("=", 1) for p in header.split(",") if "=" in p]
    t = next((v for k, v in parts if k == "t"), "")
    expected = hmac.new(secret.encode(), f"{t}.".encode() + body, hashlib.sha256).hexdigest()
    return any(k == "v1" and hmac.compare_digest(v, expected) for k, v in parts)


class Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 512  # a burst of deliveries must not overflow the listen backlog


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--log", required=True)
    parser.add_argument("--secrets", required=True)
    args = parser.parse_args()
    lock = threading.Lock()
    log = open(args.log, "a", buffering=1)  # noqa: SIM115 - lives as long as the process

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            key = self.path.rstrip("/").rsplit("/", 1)[-1]
            with open(args.secrets) as f:
                secret = json.load(f).get(key, "")
            ok = bool(secret) and verify(body, self.headers.get("X-CashSheet-Signature", ""), secret)
            record = {
                "t": time.time(),
                "endpoint": key,
                "event": self.headers.get("X-CashSheet-Event-Id"),
                "type": json.loads(body).get("type") if ok else None,
                "ok": ok,
            }
            with lock:
                log.write(json.dumps(record) + "\n")
            self.send_response(200 if ok else 401)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    Server(("127.0.0.1", args.port), Handler).serve_forever()


if __name__ == "__main__":
    main()
