"""The shell in a real browser: a phone's width and a keyboard."""

from cashsheet.testing import unique


def test_phone_width_and_keyboard(pages, live_person, ui_url):
    username, password = unique("phone").lower(), "browser journey password 2"
    live_person(username, password)
    p = pages(width=390)
    page = p.page
    page.goto("/login/")
    p.shot("sign-in-phone")
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
