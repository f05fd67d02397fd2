"""The help page's advice, followed in a browser: a silo admin creates an integration user in a read-only
group; that user sets a password from the one-time link, signs in, creates a token; the token reads (200)
but cannot write (403); revoked, it is refused (401)."""

import requests

from cashsheet.testing import unique


def test_integration_user_token_read_only_then_revoked(pages, live_person, ui_url, http_server, live_silo):
    admin_name, admin_password = unique("admin").lower(), "admin journey password 1"
    live_person(admin_name, admin_password, superuser=True)
    admin = pages()
    page = admin.page
    page.goto("/profile/tokens/")
    page.wait_for_url("**/login/?next=/profile/tokens/")
    admin.shot("sign-in")
    page.get_by_label("Username").fill(admin_name)
    page.get_by_label("Password").fill(admin_password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(ui_url + "/profile/tokens/")
    assert live_silo.name in page.locator("header").inner_text() and admin_name in page.locator("header").inner_text()

    nav = page.get_by_role("navigation", name="Main")
    nav.get_by_role("link", name="Users").click()
    page.get_by_role("link", name="Invite a user").click()
    integration = unique("crm-sync-").lower()
    page.get_by_label("Username").fill(integration)
    page.get_by_label("Email").fill("it@example.com")
    page.get_by_label("Integration (read-only)").check()
    admin.shot("user-invite")
    page.get_by_role("button", name="Create user").click()
    link = page.locator("#password-link").inner_text().strip()
    assert link.startswith(f"http://{live_silo.host}:") and "/password/set/" in link
    admin.shot("user-created")
    nav.get_by_role("link", name="Users").click()
    row = page.locator("tr", has_text=integration)
    assert "Integration (read-only)" in row.inner_text()
    admin.shot("users")
    nav.get_by_role("link", name="Groups").click()
    page.get_by_role("link", name="Integration (read-only)").click()
    assert page.get_by_label("View Customers").is_checked() and not page.get_by_label("Add Customers").is_checked()
    admin.shot("group-integration-read-only")

    # The integration user, in a browser of their own.
    it = pages()
    page = it.page
    page.goto(link)
    new_password = "integration journey password 7"
    page.locator("#id_new_password1").fill(new_password)
    page.locator("#id_new_password2").fill(new_password)
    page.get_by_role("button", name="Set password").click()
    page.wait_for_url(ui_url + "/login/")
    page.get_by_text("Your password is set").wait_for()
    it.sign_in(integration, new_password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="API Tokens").click()
    page.get_by_label("Name").fill("crm-sync")
    page.get_by_label("Expires").select_option("90")
    page.get_by_role("button", name="Create token").click()  # htmx: the panel is replaced, no reload
    secret = page.locator("#new-token").inner_text().strip()
    assert secret.startswith("cs_")
    page.get_by_role("button", name="Copy token").click()
    page.get_by_text("Copied to the clipboard.").wait_for()
    assert page.evaluate("navigator.clipboard.readText()") == secret
    it.shot("api-tokens-created")

    api = f"{http_server.url}/api/v2/customers/"
    headers = {"Host": live_silo.host, "Authorization": f"Bearer {secret}"}
    assert requests.get(api, headers=headers, timeout=10).status_code == 200
    refused = requests.post(api, json={"code": unique("C"), "name": "Nope"}, headers=headers, timeout=10)
    assert refused.status_code == 403 and refused.json()["code"] == "permission_denied"

    page.reload()
    assert secret not in page.content()  # shown once
    row = page.locator("tr", has_text="crm-sync")
    page.once("dialog", lambda d: d.dismiss())  # "Cancel": nothing is revoked
    row.get_by_role("button", name="Revoke crm-sync").click()
    assert requests.get(api, headers=headers, timeout=10).status_code == 200
    page.once("dialog", lambda d: d.accept())
    row.get_by_role("button", name="Revoke crm-sync").click()
    page.get_by_text("Revoked crm-sync").wait_for()
    assert "revoked" in page.locator("tr", has_text="crm-sync").inner_text()
    it.shot("api-tokens")
    assert requests.get(api, headers=headers, timeout=10).status_code == 401
    it.sign_out()
    page.goto("/")
    page.wait_for_url("**/login/?next=/")

    # The admin sees that token among every token of the silo.
    page = admin.page
    page.goto("/profile/tokens/?user=" + integration)
    assert "crm-sync" in page.locator("tbody").inner_text()
    page.goto("/")
    admin.shot("dashboard")
