"""Sudo mode: a sensitive action in the UI (creating an API token) needs the password typed within the last
CASHSHEET_SUDO_SECONDS (5 minutes), so a session left open on a shared screen cannot mint a long-lived
credential. Signing in counts as typing it. A wrong password counts as a failed sign-in of the account
(cashsheet.ui.throttle), so sudo cannot be used to guess it; while the account is locked, it is refused.

The instant is kept in the session (a timestamp, never the password).
"""

from __future__ import annotations

import time

from django.conf import settings

from cashsheet.ui import throttle

SESSION_KEY = "ui_sudo_at"


def sudo_mark(request) -> None:
    """The user has just typed their password (sign-in, or a confirmation)."""
    request.session[SESSION_KEY] = int(time.time())


def sudo_active(request) -> bool:
    confirmed = request.session.get(SESSION_KEY)
    return isinstance(confirmed, int) and 0 <= time.time() - confirmed <= settings.CASHSHEET_SUDO_SECONDS


def sudo_confirm(request, password: str) -> str | None:
    """Check `password` for the signed-in user; None when it is right (sudo mode starts), else the error."""
    username = request.user.get_username()
    wait = throttle.lockout_seconds(request, username)
    if wait:
        return f"Too many failed attempts. Try again in {max(1, -(-wait // 60))} minute(s)."
    if not password or not request.user.check_password(password):
        throttle.failure_record(request, username)
        return "That is not your password."
    sudo_mark(request)
    return None
