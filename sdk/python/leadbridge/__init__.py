"""LeadBridge SDK for Python (standard library only). Also importable as ``halopsa_integration``."""

from .client import HaloIntegration, LeadBridge, parse_retry_after, suppression_kind
from .errors import (
    AuthenticationError,
    AuthorizationError,
    ConflictError,
    LeadBridgeError,
    NetworkError,
    NotFoundError,
    RateLimitError,
    ServerError,
    ValidationError,
)
from .webhooks import WebhookVerificationError, sign_webhook, verify_webhook

__version__ = "0.1.0"

__all__ = [
    "AuthenticationError",
    "AuthorizationError",
    "ConflictError",
    "HaloIntegration",
    "LeadBridge",
    "LeadBridgeError",
    "NetworkError",
    "NotFoundError",
    "RateLimitError",
    "ServerError",
    "ValidationError",
    "WebhookVerificationError",
    "parse_retry_after",
    "sign_webhook",
    "suppression_kind",
    "verify_webhook",
]
