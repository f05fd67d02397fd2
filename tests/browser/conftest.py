"""Browser journeys: Playwright driving Debian's Chromium against the suite's real gunicorn server.

Browser downloads do not work here, so Playwright launches the system's Chromium (`apt-get install
chromium`, which `make test` does when it is missing; CASHSHEET_CHROMIUM names another binary). The
server is the session's `http_server` on the committed `live` silo, reached at http://live.localhost:<port>
(Chromium maps every *.localhost to 127.0.0.1).

Screenshots go to a temporary folder; with CASHSHEET_UI_SCREENSHOTS=1 (`make screenshots`) to docs/ui/,
which the README shows.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest
from django.conf import settings

from webhooks.tests.conftest import make_worker, receiver  # noqa: F401 - fixtures: a local receiver, a real worker

CHROMIUM = os.environ.get("CASHSHEET_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
SHOTS = (
    Path(settings.BASE_DIR) / "docs" / "ui"
    if os.environ.get("CASHSHEET_UI_SCREENSHOTS") == "1"
    else Path(tempfile.gettempdir()) / "cashsheet-ui-shots"
)


@pytest.fixture(scope="module")
def chromium(django_db_setup):
    """One Chromium per test module. Playwright's sync API keeps an event loop running in this thread while
    it is open, which Django's ORM refuses unless told (the ORM here runs in the test's own thread, never
    concurrently); the module scope ends both before the next module's tests."""
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install -y chromium (make test does)")
    before = os.environ.get("DJANGO_ALLOW_ASYNC_UNSAFE")
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
            yield browser
            browser.close()
            # Connections opened while Playwright's loop ran belong to that context: close them in it, or
            # they outlive the session and keep the test database from being dropped.
            from django.db import connections

            connections.close_all()
    finally:
        if before is None:
            os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)
        else:
            os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = before


@pytest.fixture(scope="session")
def ui_url(http_server, live_silo) -> str:
    return f"http://{live_silo.host}:{http_server.port}"


class Pages:
    """A browser context of its own (cookies, storage) with console errors collected and screenshots named."""

    def __init__(self, browser, base_url: str, width: int = 1200):
        self.base_url = base_url
        self.context = browser.new_context(base_url=base_url, viewport={"width": width, "height": 900})
        self.context.grant_permissions(["clipboard-read", "clipboard-write"])
        self.context.set_default_timeout(15_000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def shot(self, name: str) -> None:
        SHOTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=SHOTS / f"{name}.png", full_page=True)

    def sign_in(self, username: str, password: str) -> None:
        page = self.page
        page.goto("/login/")
        page.get_by_label("Username").fill(username)
        page.get_by_label("Password").fill(password)
        page.get_by_role("button", name="Sign in").click()
        page.wait_for_url(self.base_url + "/")

    def sign_out(self) -> None:
        self.page.get_by_role("button", name="Sign out").click()
        self.page.wait_for_url(self.base_url + "/login/")

    def close(self) -> None:
        # The UI's CSP forbids inline script and style: a violation, or any script error, fails the journey.
        assert not self.errors, self.errors
        self.context.close()


@pytest.fixture
def pages(chromium, ui_url):
    opened: list[Pages] = []

    def _open(width: int = 1200) -> Pages:
        p = Pages(chromium, ui_url, width)
        opened.append(p)
        return p

    yield _open
    for p in opened:
        p.close()


@pytest.fixture
def live_person(committed):
    """Make a committed user of the `live` silo with a password: make(username, password, superuser=False)."""
    from django.contrib.auth import get_user_model

    def _make(username: str, password: str, *, superuser: bool = False):
        return get_user_model().objects.create_user(
            username=username, password=password, is_superuser=superuser, is_staff=superuser
        )

    return _make
