"""The signature check receivers (and our own receiver in the tests) rely on."""

import base64
import hashlib
import hmac
import time

from webhooks.signing import secret_generate, signature_header, standard_signature_header, verify_signature

BODY = b'{"id":"evt_1","type":"ping"}'


def test_secret_has_prefix_and_at_least_24_random_bytes():
    a, b = secret_generate(), secret_generate()
    assert a.startswith("whsec_") and a != b
    assert len(base64.b64decode(a.removeprefix("whsec_"))) >= 24


def test_valid_signature_accepted_and_tampering_or_staleness_refused():
    secret = secret_generate()
    now = int(time.time())
    header = signature_header(payload=BODY, secrets=[secret], timestamp=now)
    assert verify_signature(payload=BODY, header=header, secrets=[secret])
    assert not verify_signature(payload=BODY + b" ", header=header, secrets=[secret])
    assert not verify_signature(payload=BODY, header=header, secrets=[secret_generate()])
    stale = signature_header(payload=BODY, secrets=[secret], timestamp=now - 301)
    assert not verify_signature(payload=BODY, header=stale, secrets=[secret])
    # Changing t without re-signing breaks the HMAC.
    forged = header.replace(f"t={now}", f"t={now + 1}")
    assert not verify_signature(payload=BODY, header=forged, secrets=[secret])
    for junk in ("", "garbage", "t=abc,v1=00", f"t={now}"):
        assert not verify_signature(payload=BODY, header=junk, secrets=[secret])


def test_rotation_header_carries_both_signatures_and_either_secret_verifies():
    new, old = secret_generate(), secret_generate()
    header = signature_header(payload=BODY, secrets=[new, old], timestamp=int(time.time()))
    assert header.count("v1=") == 2
    assert verify_signature(payload=BODY, header=header, secrets=[new])
    assert verify_signature(payload=BODY, header=header, secrets=[old])


def test_standard_webhooks_signature_matches_the_spec():
    secret = secret_generate()
    t = int(time.time())
    expected = base64.b64encode(
        hmac.new(base64.b64decode(secret[6:]), f"evt_1.{t}.".encode() + BODY, hashlib.sha256).digest()
    ).decode()
    assert standard_signature_header(payload=BODY, secrets=[secret], msg_id="evt_1", timestamp=t) == f"v1,{expected}"


def test_readme_receiver_snippet_verifies_our_signatures():
    """The few lines the README gives receivers must agree with what we send."""
    from pathlib import Path

    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme.split("### Verifying webhook signatures", 1)[1]
    code = section.split("```python", 1)[1].split("```", 1)[0]
    namespace: dict = {}
    exec(code, namespace)  # noqa: S102 - our own documentation
    verify = namespace["verify"]
    secret, old = secret_generate(), secret_generate()
    now = int(time.time())
    header = signature_header(payload=BODY, secrets=[secret, old], timestamp=now)
    assert verify(BODY, header, secret) and verify(BODY, header, old)
    assert not verify(BODY + b"x", header, secret)
    # README: the key is the whole string, `whsec_` included; the prefix stripped (or decoded) does not verify.
    assert not verify(BODY, header, secret.removeprefix("whsec_"))
    assert not verify(BODY, signature_header(payload=BODY, secrets=[secret], timestamp=now - 301), secret)
