"""Typed errors carrying the API's error envelope."""

from __future__ import annotations

from typing import Any, Dict, Optional


class LeadBridgeError(Exception):
    """Every failed call raises one of these.

    ``code`` is the API's machine-readable code (``VALIDATION_ERROR``, ``RESOURCE_NOT_FOUND``, ...)
    or ``NETWORK_ERROR`` when no answer came back; ``request_id`` is what to quote to support.
    """

    def __init__(
        self,
        status: int,
        code: str,
        message: str,
        details: Optional[Dict[str, Any]] = None,
        request_id: Optional[str] = None,
        timestamp: Optional[str] = None,
        retry_after: Optional[float] = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.details = details
        self.request_id = request_id
        self.timestamp = timestamp
        self.retry_after = retry_after

    def __str__(self) -> str:
        rid = f" [request {self.request_id}]" if self.request_id else ""
        return f"{self.code}: {self.message}{rid}"


class ValidationError(LeadBridgeError):
    pass


class AuthenticationError(LeadBridgeError):
    pass


class AuthorizationError(LeadBridgeError):
    pass


class NotFoundError(LeadBridgeError):
    pass


class ConflictError(LeadBridgeError):
    pass


class RateLimitError(LeadBridgeError):
    pass


class ServerError(LeadBridgeError):
    pass


class NetworkError(LeadBridgeError):
    pass


_BY_STATUS = {
    400: ValidationError,
    401: AuthenticationError,
    403: AuthorizationError,
    404: NotFoundError,
    409: ConflictError,
    422: ValidationError,
    429: RateLimitError,
}


def error_for(
    status: int, body: Any, request_id: Optional[str], retry_after: Optional[float]
) -> LeadBridgeError:
    err = body.get("error") if isinstance(body, dict) else None
    err = err if isinstance(err, dict) else {}
    code = err.get("code") if isinstance(err.get("code"), str) else None
    if code is None:
        code = "RESOURCE_NOT_FOUND" if status == 404 else f"HTTP_{status}"
    message = err.get("message") if isinstance(err.get("message"), str) else f"HTTP {status}"
    details = err.get("details") if isinstance(err.get("details"), dict) else None
    kind = _BY_STATUS.get(status, ServerError if status >= 500 else LeadBridgeError)
    return kind(
        status,
        code,
        message,
        details,
        err.get("request_id") or request_id,
        err.get("timestamp"),
        retry_after,
    )
