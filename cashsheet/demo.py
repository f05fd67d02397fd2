"""`make demo`'s last step: serve the demo silo with a Celery worker beside it, print a token and a curl line.

Run after `seed_demo`. Ctrl-C stops the server and the worker; the embedded PostgreSQL and Redis
keep running for the next `make demo` (`make stop` stops them).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--slug", default="blythe")
    args = parser.parse_args()

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cashsheet.settings")
    os.environ.setdefault("CASHSHEET_WEBHOOK_ALLOW_PRIVATE", "1")
    import django

    django.setup()
    import io

    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    # A token for the printed curl example, through the silo app's own command (this launcher imports no app).
    out = io.StringIO()
    name = f"demo-{time.strftime('%Y%m%d-%H%M%S')}"
    call_command("create_token", "--silo", args.slug, "--user", "admin", "--name", name, stdout=out)
    raw = out.getvalue().strip().splitlines()[-1]

    # The platform administration (Django admin on the public host): a demo superuser of the public schema.
    from django.contrib.auth import get_user_model

    connection.set_schema_to_public()
    platform = get_user_model().objects.filter(username="platform").first()
    if platform is None:
        get_user_model().objects.create_superuser("platform", password="platform-demo")

    env = dict(os.environ)
    # Children must reach the same servers even when they are embedded (started by the first connection,
    # which the token above made: the settings now carry the socket).
    from cashsheet.testing.servers import database_url

    env["DATABASE_URL"] = database_url(connection.settings_dict)
    env["REDIS_URL"] = settings.REDIS_URL
    env["CELERY_BROKER_URL"] = settings.CELERY_BROKER_URL

    procs = [
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "celery",
                "-A",
                "cashsheet",
                "worker",
                "--beat",
                "--loglevel",
                "WARNING",
                "--concurrency",
                "2",
                "--schedule",
                str(BASE_DIR / ".embedded" / "celerybeat"),
            ],
            cwd=BASE_DIR,
            env=env,
        ),
        subprocess.Popen(
            [
                sys.executable,
                "-m",
                "gunicorn",
                "cashsheet.wsgi",
                "-w",
                "2",
                "-b",
                f"{args.host}:{args.port}",
                "--access-logfile",
                "-",
            ],
            cwd=BASE_DIR,
            env=env,
        ),
    ]
    host = f"{args.slug}.{settings.CASHSHEET_BASE_DOMAIN}"
    time.sleep(2)
    print(
        f"\nCashSheet demo: silo '{args.slug}' at http://{host}:{args.port}/api/v2/\n"
        f"Silo UI: http://{host}:{args.port}/ (user admin, password blythe-demo)\n"
        f"Platform admin: http://localhost:{args.port}/admin/ (user platform, password platform-demo)\n"
        f"API token (shown once): {raw}\n\n"
        f'curl -s http://{args.host}:{args.port}/api/v2/customers/ -H "Host: {host}" '
        f'-H "Authorization: Bearer {raw}"\n',
        flush=True,
    )

    def shutdown(*_):
        for p in procs:
            if p.poll() is None:
                p.send_signal(signal.SIGTERM)
        for p in procs:
            try:
                p.wait(10)
            except subprocess.TimeoutExpired:
                p.kill()
        sys.exit(0)

    signal.signal(signal.SIGINT, shutdown)
    signal.signal(signal.SIGTERM, shutdown)
    while all(p.poll() is None for p in procs):
        time.sleep(1)
    shutdown()
    return 1


if __name__ == "__main__":
    raise SystemExit(main())
