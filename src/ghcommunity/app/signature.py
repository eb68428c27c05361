"""`X-Hub-Signature-256`: HMAC-SHA256 of the raw body with the webhook secret.

Checked before anything in the body is parsed, with a constant-time comparison.
"""

from __future__ import annotations

import hashlib
import hmac

PREFIX = "sha256="


def sign(secret: str, body: bytes) -> str:
    return PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify(secret: str, body: bytes, signature: str | None) -> bool:
    if not secret or not signature or not signature.startswith(PREFIX):
        return False
    expected = sign(secret, body)
    return hmac.compare_digest(expected.encode(), signature.strip().lower().encode())
