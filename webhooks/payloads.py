"""Webhooks' own event payloads (the domain apps build theirs in their own payloads.py)."""


def ping_payload(*, endpoint_id: int, url: str) -> dict:
    return {"object": "webhook_endpoint", "id": endpoint_id, "url": url, "message": "ping"}
