"""The UI shell in process: sign-in and sign-out, the layout, the session's fixed end, password change,
sign-in throttling, HTML errors (JSON under /api/), the Content-Security-Policy."""

import os
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from cashsheet.testing import unique

PASSWORD = "correct horse battery staple"


@pytest.fixture
def person(make_user):
    user = make_user(username=unique("ui").lower())
    user.set_password(PASSWORD)
    user.save()
    return user


def browser(silo, address: str | None = None) -> Client:
    """A client from an address of its own (unless given), so one test's address lock spares the others."""
    return Client(HTTP_HOST=silo.host, REMOTE_ADDR=address or "10.{}.{}.{}".format(*os.urandom(3)))


def sign_in(client: Client, username: str, password: str = PASSWORD):
    return client.post("/login/", {"username": username, "password": password})


def test_anonymous_is_sent_to_sign_in_and_back(silo, person):
    client = browser(silo)
    response = client.get("/profile/tokens/")
    assert response.status_code == 302 and response["Location"] == "/login/?next=/profile/tokens/"
    page = client.get(response["Location"]).content.decode()
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert '<label for="id_username">' in page and '<label for="id_password">' in page
    done = client.post(
        "/login/?next=/profile/tokens/", {"username": person.username, "password": PASSWORD, "next": "/profile/tokens/"}
    )
    assert done.status_code == 302 and done["Location"] == "/profile/tokens/"


def test_sign_in_lands_on_the_dashboard_with_layout(silo, person):
    client = browser(silo)
    response = sign_in(client, person.username)
    assert response.status_code == 302 and response["Location"] == "/"
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    assert silo.name in html and person.username in html
    assert '<nav class="side" aria-label="Main">' in html
    assert 'href="/profile/tokens/"' in html and ">API Tokens<" in html
    assert 'aria-current="page">Dashboard<' in html
    assert '<button type="submit" class="link">Sign out</button>' in html
    assert "/static/ui/htmx-2.0.11.min.js" in html
    csp = page["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp and "frame-ancestors 'none'" in csp


def test_sign_out_is_a_post_and_ends_the_session(silo, person):
    client = browser(silo)
    sign_in(client, person.username)
    assert client.get("/logout/").status_code == 405  # a link or an <img> cannot sign anyone out
    assert client.get("/").status_code == 200
    response = client.post("/logout/")
    assert response.status_code == 302 and response["Location"] == "/login/"
    assert client.get("/").status_code == 302


def test_the_session_ends_a_fixed_time_after_sign_in(silo, person):
    client = browser(silo)
    before = timezone.now()
    sign_in(client, person.username)
    expiry = client.session.get_expiry_date()
    age = timedelta(seconds=settings.SESSION_COOKIE_AGE)
    assert before + age <= expiry <= timezone.now() + age
    client.get("/")  # activity does not push the end back
    assert client.session.get_expiry_date() == expiry
    from django.contrib.sessions.models import Session

    Session.objects.filter(session_key=client.session.session_key).update(expire_date=timezone.now())
    assert client.get("/").status_code == 302  # expired: sign in again


def test_wrong_password_keeps_the_username_and_says_why(silo, person):
    client = browser(silo)
    response = sign_in(client, person.username, "nope")
    html = response.content.decode()
    assert response.status_code == 200
    assert "Please enter a correct username and password" in html
    assert f'value="{person.username}"' in html


def test_ten_failures_lock_the_account_for_fifteen_minutes(silo, person):
    from cashsheet.ui import throttle

    client = browser(silo)
    for _ in range(settings.CASHSHEET_LOGIN_MAX_FAILURES):
        assert sign_in(client, person.username, "wrong").status_code == 200
    locked = sign_in(client, person.username)  # the right password, too late
    assert locked.status_code == 429
    assert "Too many failed sign-ins. Try again in 15 minutes." in locked.content.decode()
    assert "_auth_user_id" not in client.session
    # From another address too: the lock is the account's. Another account from the first address still works.
    assert sign_in(browser(silo), person.username).status_code == 429
    ttl = throttle._redis().ttl(throttle._keys(locked.wsgi_request, person.username)[0] + ":lock")
    assert settings.CASHSHEET_LOGIN_LOCK_SECONDS - 5 <= ttl <= settings.CASHSHEET_LOGIN_LOCK_SECONDS


def test_ten_failures_from_one_address_lock_that_address(silo, person, make_user):
    address = "10.{}.{}.{}".format(*os.urandom(3))
    client = browser(silo, address)
    for _ in range(settings.CASHSHEET_LOGIN_MAX_FAILURES):
        sign_in(client, unique("guess").lower(), "wrong")  # a different account each time
    assert sign_in(browser(silo, address), person.username).status_code == 429
    assert sign_in(browser(silo), person.username).status_code == 302


def test_a_success_clears_the_account_count(silo, person):
    client = browser(silo)
    for _ in range(settings.CASHSHEET_LOGIN_MAX_FAILURES - 1):
        sign_in(client, person.username, "wrong")
    assert sign_in(browser(silo), person.username).status_code == 302
    for _ in range(settings.CASHSHEET_LOGIN_MAX_FAILURES - 1):
        sign_in(browser(silo), person.username, "wrong")
    assert sign_in(browser(silo), person.username).status_code == 302


def test_password_change_errors_beside_the_field_then_changes_it(silo, person):
    client = browser(silo)
    sign_in(client, person.username)
    bad = client.post(
        "/profile/password/",
        {"old_password": "wrong", "new_password1": "a fresh long secret 42", "new_password2": "a fresh long secret 42"},
    )
    html = bad.content.decode()
    assert bad.status_code == 200 and 'id="id_old_password_error"' in html and "incorrectly" in html
    short = client.post(
        "/profile/password/", {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"}
    )
    assert 'id="id_new_password2_error"' in short.content.decode()
    ok = client.post(
        "/profile/password/",
        {
            "old_password": PASSWORD,
            "new_password1": "a fresh long secret 42",
            "new_password2": "a fresh long secret 42",
        },
    )
    assert ok.status_code == 302 and ok["Location"] == "/"
    assert client.get("/").status_code == 200  # still signed in
    assert sign_in(browser(silo), person.username, "a fresh long secret 42").status_code == 302


def test_errors_are_html_in_the_ui_and_json_under_the_api(silo, person):
    client = browser(silo)
    sign_in(client, person.username)
    page = client.get("/no-such-page/")
    assert page.status_code == 404 and page["Content-Type"].startswith("text/html")
    assert "<h1>Not found</h1>" in page.content.decode()
    api = client.get("/api/v2/no-such-thing/")
    assert api.status_code == 404 and api.json()["status"] == 404


def test_csrf_is_enforced_on_ui_posts(silo, person):
    client = Client(HTTP_HOST=silo.host, enforce_csrf_checks=True, REMOTE_ADDR="10.66.0.1")
    assert client.post("/login/", {"username": person.username, "password": PASSWORD}).status_code == 403


def test_api_docs_come_from_the_package_not_a_cdn(silo):
    client = browser(silo)
    html = client.get("/api/v2/docs/").content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js" in html
    assert "cdn" not in html.lower() and "<script>" not in html  # settings come as a script file (CSP)
    assert "/static/drf_spectacular_sidecar/redoc/" in client.get("/api/v2/redoc/").content.decode()
