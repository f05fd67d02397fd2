"""The shell in a real browser: sign in, find one's way, create and use a token, revoke it, sign out."""

import requests

from cashsheet.testing import unique


def test_admin_signs_in_makes_a_token_uses_it_revokes_it(pages, ui_url, live_person, http_server, live_silo):
    username, password = unique("admin").lower(), "browser journey password 1"
    live_person(username, password, superuser=True)
    p = pages()
    page = p.page

    page.goto("/profile/tokens/")
    page.wait_for_url("**/login/?next=/profile/tokens/")
    p.shot("sign-in")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/profile/tokens/")

    nav = page.get_by_role("navigation", name="Main")
    assert nav.get_by_role("link", name="API Tokens").get_attribute("aria-current") == "page"
    assert live_silo.name in page.locator("header").inner_text()
    assert username in page.locator("header").inner_text()

    page.get_by_label("Name").fill("browser-journey")
    page.get_by_label("Expires").select_option("30")
    page.get_by_role("button", name="Create token").click()  # htmx: the panel is replaced, no reload
    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("cs_")
    p.shot("api-tokens-created")

    api = f"{http_server.url}/api/v2/customers/"
    headers = {"Host": live_silo.host, "Authorization": f"Bearer {secret}"}
    assert requests.get(api, headers=headers, timeout=10).status_code == 200

    page.reload()
    assert secret not in page.content()  # shown once

    row = page.locator("tr", has_text="browser-journey")
    page.once("dialog", lambda d: d.dismiss())  # "Cancel": nothing is revoked
    row.get_by_role("button", name="Revoke browser-journey").click()
    assert requests.get(api, headers=headers, timeout=10).status_code == 200
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name="Revoke browser-journey").click()
    page.get_by_text("Revoked browser-journey").wait_for()
    assert "revoked" in page.locator("tr", has_text="browser-journey").inner_text()
    assert requests.get(api, headers=headers, timeout=10).status_code == 401

    nav.get_by_role("link", name="Dashboard").click()
    page.wait_for_url(ui_url + "/")
    p.shot("dashboard")
    p.sign_out()
    page.goto("/")
    page.wait_for_url("**/login/?next=/")


def test_phone_width_and_keyboard(pages, live_person, ui_url):
    username, password = unique("phone").lower(), "browser journey password 2"
    live_person(username, password)
    p = pages(width=390)
    page = p.page
    page.goto("/login/")
    assert page.evaluate("document.activeElement.name") == "username"  # the cursor starts where one types
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(ui_url + "/")
    page.keyboard.press("Tab")  # the skip link comes first
    assert page.evaluate("document.activeElement.textContent") == "Skip to content"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing runs off a phone's screen
    p.shot("dashboard-phone")
