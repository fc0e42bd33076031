"""Encryption at rest of single fields (identity-card and passport numbers).

Fernet tokens (AES-128-CBC + HMAC-SHA256) under a MultiFernet of the keys in XINDANG_FIELD_KEYS
(settings.XINDANG_FIELD_KEYS, newest first): the first key encrypts, every key decrypts, so a key
is rotated by putting a new one in front, running `manage.py rotate_field_keys` (which re-encrypts
every value, history rows too, under the first key) and then dropping the old one. A token is not
deterministic: an encrypted field cannot be searched or compared in SQL, only read back.
"""

import base64
import hashlib
from functools import lru_cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.db import models

TOKEN_PREFIX = "gAAAAA"  # every Fernet token starts so (version byte 0x80 + timestamp), base64


def derived_dev_key(secret: str) -> str:
    """The development key, derived from the secret key (settings use it only under XINDANG_DEV)."""
    return base64.urlsafe_b64encode(hashlib.sha256(b"xindang field key|" + secret.encode()).digest()).decode()


def parse_keys(raw: str) -> list[str]:
    """Comma-separated Fernet keys (32 url-safe base64 bytes each); raises ValueError on a bad one."""
    keys = [k.strip() for k in raw.split(",") if k.strip()]
    for key in keys:
        Fernet(key)  # ValueError if malformed
    return keys


@lru_cache(maxsize=8)
def _cipher(keys: tuple[str, ...]) -> MultiFernet:
    return MultiFernet([Fernet(k) for k in keys])


def cipher() -> MultiFernet:
    return _cipher(tuple(settings.XINDANG_FIELD_KEYS))


def encrypt(value: str) -> str:
    if not value:
        return ""
    return cipher().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """The plain text of a stored token. A value that is not a token (written before encryption, or
    by hand) is returned as it is; a token no configured key opens raises InvalidToken."""
    if not token or not token.startswith(TOKEN_PREFIX):
        return token or ""
    return cipher().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The token re-encrypted under the first key (a plain value gets encrypted)."""
    if not token:
        return ""
    if not token.startswith(TOKEN_PREFIX):
        return encrypt(token)
    return cipher().rotate(token.encode()).decode()


def mask(value: str, *, head: int = 3, tail: int = 4) -> str:
    """110105********1234-style masking: the first and last characters stay, the rest becomes *."""
    if not value:
        return ""
    if len(value) <= head + tail:
        return "*" * len(value)
    return value[:head] + "*" * (len(value) - head - tail) + value[-tail:]


class EncryptedCharField(models.TextField):
    """A short text stored encrypted (a Fernet token in a text column); Python sees the plain text.
    `max_length` limits the plain text (validated by full_clean), not the column."""

    encrypted = True

    def __init__(self, *args, plain_max_length: int = 64, **kwargs):
        self.plain_max_length = plain_max_length
        super().__init__(*args, **kwargs)
        from django.core.validators import MaxLengthValidator

        self.validators.append(MaxLengthValidator(plain_max_length))

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        if self.plain_max_length != 64:
            kwargs["plain_max_length"] = self.plain_max_length
        return name, path, args, kwargs

    def from_db_value(self, value, expression, connection):
        if value is None:
            return value
        try:
            return decrypt(value)
        except InvalidToken as exc:
            raise InvalidToken(
                "an encrypted field cannot be read with the configured XINDANG_FIELD_KEYS"
            ) from exc

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None:
            return value
        value = str(value)
        if value.startswith(TOKEN_PREFIX):  # already a token (rotation writes tokens directly)
            return value
        return encrypt(value)

    def formfield(self, **kwargs):
        # A one-line text input of the plain text's length (not TextField's textarea).
        return models.Field.formfield(self, **{"max_length": self.plain_max_length, **kwargs})
