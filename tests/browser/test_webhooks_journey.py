"""Settings → Webhooks in a browser: add an endpoint against a local receiver, see the secret once, send a
test event and watch it arrive in the delivery log, rotate the secret."""

from cashsheet.testing import unique


def test_webhook_endpoint_test_event_and_rotation(pages, live_person, ui_url, receiver, make_worker):
    make_worker(beat=False, concurrency=1)
    username, password = unique("hooks").lower(), "webhook journey password 3"
    live_person(username, password, superuser=True)
    p = pages()
    page = p.page
    p.sign_in(username, password)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Webhooks").click()
    page.get_by_role("link", name="Add endpoint").click()
    page.get_by_label("URL").fill("ftp://nowhere")
    page.get_by_role("button", name="Add endpoint").click()
    assert page.locator("#id_url_error").is_visible() or page.locator("#id_events_error").is_visible()
    assert page.get_by_label("URL").input_value() == "ftp://nowhere"  # kept as typed
    page.get_by_label("URL").fill(receiver.url)
    page.get_by_label("Description").fill("journey receiver")
    page.get_by_label("sales_order.created").check()
    p.shot("webhook-add")
    page.get_by_role("button", name="Add endpoint").click()
    first = page.locator("#signing-secret").inner_text().strip()
    assert first.startswith("whsec_")
    receiver.secrets[:] = [first]
    p.shot("webhook-created")

    page.get_by_role("button", name="Send test event").click()  # htmx: the log polls until delivered
    page.locator("#delivery-log tbody tr", has_text="ping").filter(has_text="200").wait_for(timeout=30_000)
    assert receiver.wait_for(lambda: any(r.signature_ok for r in receiver.received))
    p.shot("webhook-delivered")

    page.once("dialog", lambda d: d.accept())
    page.get_by_role("button", name="Rotate secret").click()
    second = page.locator("#signing-secret").inner_text().strip()
    assert second.startswith("whsec_") and second != first
    assert "previous secret signs too until" in page.content()
    receiver.secrets[:] = [second]  # the receiver switches to the new secret
    before = len(receiver.received)
    page.get_by_role("button", name="Send test event").click()
    assert receiver.wait_for(lambda: len(receiver.received) > before, timeout=30)
    assert receiver.received[-1].signature_ok
    page.reload()
    assert first not in page.content() and second not in page.content()  # secrets shown once
