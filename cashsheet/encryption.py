"""Secrets at rest: values we must read back in clear (webhook signing secrets) are stored encrypted.

Fernet (AES-128-CBC with an HMAC-SHA256, from `cryptography`) under CASHSHEET_ENCRYPTION_KEYS, a list of
Fernet keys, newest first: values are encrypted with the first and decrypted with whichever key made them
(MultiFernet), so keys rotate without downtime:

1. Generate a key: ``python manage.py encryption_keys --generate``.
2. Put it first in CASHSHEET_ENCRYPTION_KEYS (comma-separated) on every process, keeping the old ones; restart.
3. ``python manage.py encryption_keys --rotate``: re-encrypts every stored value, in every silo, with the
   first key (idempotent, safe to re-run, safe while serving).
4. Remove the old key from the setting.

A value that no configured key opens (a key removed too early) reads back as UNDECRYPTABLE (an empty string
that says so) instead of raising, so the records holding it can still be listed and rotated; webhook
delivery records a failed attempt that names the cause.
"""

from __future__ import annotations

import base64
import hashlib
import logging
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

logger = logging.getLogger(__name__)

# Every Fernet token starts so (version byte 0x80, then a 64-bit timestamp below 2**36): the database
# constraint that holds an encrypted column to it refuses a value written in clear.
TOKEN_PREFIX = "gAAAAA"


class UndecryptableValue(str):
    """The empty string read back for a value no configured key can decrypt."""


UNDECRYPTABLE = UndecryptableValue("")


def key_derive(secret_key: str) -> str:
    """A Fernet key derived from Django's SECRET_KEY: the development default only."""
    digest = hashlib.sha256(b"cashsheet-encryption-v1\0" + secret_key.encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def key_generate() -> str:
    return Fernet.generate_key().decode()


@lru_cache(maxsize=4)
def _fernet(keys: tuple[str, ...]) -> MultiFernet:
    if not keys:
        raise RuntimeError("CASHSHEET_ENCRYPTION_KEYS is empty")
    return MultiFernet([Fernet(k.encode()) for k in keys])


def _current() -> MultiFernet:
    return _fernet(tuple(settings.CASHSHEET_ENCRYPTION_KEYS))


def encrypt(plain: str) -> str:
    return _current().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    """The clear value, or UNDECRYPTABLE when no configured key opens it."""
    try:
        return _current().decrypt(token.encode()).decode()
    except (InvalidToken, ValueError):
        logger.error("an encrypted value cannot be decrypted with CASHSHEET_ENCRYPTION_KEYS (key removed too early?)")
        return UNDECRYPTABLE


def is_current(token: str) -> bool:
    """Whether `token` is encrypted with the first (current) key."""
    try:
        Fernet(settings.CASHSHEET_ENCRYPTION_KEYS[0].encode()).decrypt(token.encode())
        return True
    except (InvalidToken, ValueError):
        return False


class EncryptedTextField(models.TextField):
    """Text that is clear in Python and Fernet-encrypted in the database. Never editable in forms or the admin.

    An empty string is stored as an empty string (meaning "none"). Lookups other than ``= ''`` cannot match
    (each encryption differs), so never filter on it.
    """

    def __init__(self, *args, **kwargs):
        kwargs["editable"] = False
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("editable", None)
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if not value:
            return value
        return decrypt(value)

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if not value:
            return value
        return encrypt(value)


def encrypted_fields(*, tenant: bool) -> list[tuple[type[models.Model], list[str]]]:
    """(model, [encrypted column names]) for every installed model of the tenant (or shared) apps."""
    from django.apps import apps

    tenant_apps = set(settings.TENANT_APPS)
    found = []
    for model in apps.get_models():
        config = apps.get_app_config(model._meta.app_label)
        if (config.name in tenant_apps) != tenant:
            continue
        names = [f.column for f in model._meta.concrete_fields if isinstance(f, EncryptedTextField)]
        if names:
            found.append((model, names))
    return found


def reencrypt(*, tenant: bool) -> dict[str, int]:
    """Re-encrypt, with the first key, every encrypted value of the current schema not already under it.

    Reads the ciphertext itself (not the decrypting field) so values under the current key are skipped;
    returns {"reencrypted": n, "current": n, "undecryptable": n}. Undecryptable values are left untouched.
    """
    from django.db import connection, transaction

    counts = {"reencrypted": 0, "current": 0, "undecryptable": 0}
    for model, columns in encrypted_fields(tenant=tenant):
        table = connection.ops.quote_name(model._meta.db_table)
        pk = connection.ops.quote_name(model._meta.pk.column)
        with transaction.atomic(), connection.cursor() as cursor:
            cols = ", ".join(connection.ops.quote_name(c) for c in columns)
            cursor.execute(f"SELECT {pk}, {cols} FROM {table} FOR UPDATE")  # noqa: S608 - our names
            for row_pk, *values in cursor.fetchall():
                changes = {}
                for column, value in zip(columns, values, strict=True):
                    if not value:
                        continue
                    if is_current(value):
                        counts["current"] += 1
                        continue
                    plain = decrypt(value)
                    if isinstance(plain, UndecryptableValue):
                        counts["undecryptable"] += 1
                        continue
                    changes[column] = encrypt(plain)
                    counts["reencrypted"] += 1
                if changes:
                    sets = ", ".join(f"{connection.ops.quote_name(c)} = %s" for c in changes)
                    cursor.execute(f"UPDATE {table} SET {sets} WHERE {pk} = %s", [*changes.values(), row_pk])  # noqa: S608
    return counts
