"""Standard Webhooks (https://www.standardwebhooks.com) signature verification."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from typing import Any, Mapping, Optional


class WebhookVerificationError(Exception):
    pass


def _header(headers: Mapping[str, Any], name: str) -> Optional[str]:
    for key, value in headers.items():
        if key.lower() == name:
            if isinstance(value, (list, tuple)):
                return str(value[0]) if value else None
            return str(value)
    return None


def _sign(secret: str, content: str) -> str:
    raw = secret[len("whsec_"):] if secret.startswith("whsec_") else secret
    try:
        key = base64.b64decode(raw, validate=True)
    except ValueError as exc:
        raise WebhookVerificationError("the webhook secret is not base64 (expected whsec_...)") from exc
    mac = hmac.new(key, content.encode("utf-8"), hashlib.sha256).digest()
    return base64.b64encode(mac).decode("ascii")


def verify_webhook(
    payload: str | bytes,
    headers: Mapping[str, Any],
    secret: str,
    tolerance_seconds: int = 300,
    now: Optional[float] = None,
) -> Any:
    """Checks a delivery's signature and age, then returns its parsed JSON body.

    ``payload`` must be the raw body exactly as received.
    """
    body = payload.decode("utf-8") if isinstance(payload, bytes) else payload
    msg_id = _header(headers, "webhook-id")
    timestamp = _header(headers, "webhook-timestamp")
    signatures = _header(headers, "webhook-signature")
    if not msg_id or not timestamp or not signatures:
        raise WebhookVerificationError("missing webhook-id, webhook-timestamp or webhook-signature")
    try:
        sent_at = int(timestamp)
    except ValueError as exc:
        raise WebhookVerificationError("invalid webhook-timestamp") from exc
    current = int(now if now is not None else time.time())
    if current - sent_at > tolerance_seconds:
        raise WebhookVerificationError("message timestamp too old")
    if sent_at - current > tolerance_seconds:
        raise WebhookVerificationError("message timestamp too new")
    expected = _sign(secret, f"{msg_id}.{timestamp}.{body}")
    for entry in signatures.split(" "):
        version, _, sig = entry.partition(",")
        if version == "v1" and hmac.compare_digest(sig, expected):
            return json.loads(body)
    raise WebhookVerificationError("no matching signature found")


def sign_webhook(payload: str, secret: str, msg_id: str, timestamp: Optional[int] = None) -> dict:
    """Signs a payload the way LeadBridge does (for tests and local receivers)."""
    ts = str(timestamp if timestamp is not None else int(time.time()))
    return {
        "webhook-id": msg_id,
        "webhook-timestamp": ts,
        "webhook-signature": "v1," + _sign(secret, f"{msg_id}.{ts}.{payload}"),
    }
