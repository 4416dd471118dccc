"""The LeadBridge client (the seed's ``HaloIntegration``): standard library only."""

from __future__ import annotations

import email.utils
import json
import random
import time
import urllib.error
import urllib.parse
import urllib.request
import uuid
from typing import Any, Callable, Dict, Iterable, List, Mapping, Optional

from .errors import LeadBridgeError, NetworkError, error_for
from .webhooks import verify_webhook

JSON = Dict[str, Any]
RETRY_STATUS = {429, 502, 503, 504}
FINISHED = {"completed", "completed_with_errors"}
SOURCES = ("apollo", "zoominfo", "hunter", "generic")


def parse_retry_after(value: Optional[str], now: Optional[float] = None) -> Optional[float]:
    """Retry-After is either seconds or an HTTP date."""
    if value is None or not value.strip():
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        at = email.utils.parsedate_to_datetime(value).timestamp()
    except (TypeError, ValueError):
        return None
    return max(0.0, at - (now if now is not None else time.time()))


class _Transport:
    def __init__(
        self,
        api_key: str,
        base_url: str,
        max_retries: int,
        max_retry_delay: float,
        timeout: float,
        on_retry: Optional[Callable[[int, float, Optional[int]], None]],
    ) -> None:
        if not api_key:
            raise ValueError("api_key is required")
        if not base_url:
            raise ValueError("base_url is required")
        root = base_url.rstrip("/")
        parts = root.rsplit("/", 2)
        self.base_url = root if len(parts) == 3 and parts[1] == "api" and parts[2].startswith("v") else f"{root}/api/v1"
        self.api_key = api_key
        self.max_retries = max_retries
        self.max_retry_delay = max_retry_delay
        self.timeout = timeout
        self.on_retry = on_retry

    def request(
        self,
        method: str,
        path: str,
        *,
        json_body: Any = None,
        data: Optional[bytes] = None,
        content_type: Optional[str] = None,
        query: Optional[Mapping[str, Any]] = None,
        idempotency_key: Optional[str] = None,
        accept: Iterable[int] = (),
    ) -> Any:
        url = self.base_url + path
        if query:
            q = {k: str(v).lower() if isinstance(v, bool) else str(v) for k, v in query.items() if v is not None}
            if q:
                url += "?" + urllib.parse.urlencode(q)
        headers = {"Authorization": f"Bearer {self.api_key}", "Accept": "application/json", "User-Agent": "leadbridge-python"}
        body: Optional[bytes] = data
        if json_body is not None:
            body = json.dumps(json_body).encode("utf-8")
            headers["Content-Type"] = "application/json"
        elif content_type:
            headers["Content-Type"] = content_type
        if method == "POST":
            # One key for every attempt: a retry after a lost answer replays, never duplicates.
            headers["Idempotency-Key"] = idempotency_key or f"sdk-{uuid.uuid4()}"
        attempt = 0
        while True:
            attempt += 1
            req = urllib.request.Request(url, data=body, headers=headers, method=method)
            try:
                with urllib.request.urlopen(req, timeout=self.timeout) as res:
                    return _decode(res.read(), res.headers.get("Content-Type"))
            except urllib.error.HTTPError as exc:
                text = exc.read()
                request_id = exc.headers.get("X-Request-Id")
                parsed = _decode(text, exc.headers.get("Content-Type"))
                if exc.code in accept:
                    return parsed
                retry_after = parse_retry_after(exc.headers.get("Retry-After"))
                if exc.code in RETRY_STATUS and attempt <= self.max_retries:
                    self._pause(attempt, exc.code, retry_after)
                    continue
                raise error_for(exc.code, parsed, request_id, retry_after) from None
            except (urllib.error.URLError, TimeoutError, ConnectionError) as exc:
                if attempt <= self.max_retries:
                    self._pause(attempt, None, None)
                    continue
                raise NetworkError(0, "NETWORK_ERROR", f"{method} {path} failed: {exc}") from exc

    def _pause(self, attempt: int, status: Optional[int], retry_after: Optional[float]) -> None:
        backoff = min(0.5 * 2 ** (attempt - 1), 8.0) * (0.5 + random.random() / 2)
        delay = min(retry_after if retry_after is not None else backoff, self.max_retry_delay)
        if self.on_retry:
            self.on_retry(attempt, delay, status)
        time.sleep(delay)


def _decode(raw: bytes, content_type: Optional[str]) -> Any:
    if not raw:
        return None
    text = raw.decode("utf-8", errors="replace")
    if content_type and "json" in content_type:
        try:
            return json.loads(text)
        except ValueError:
            return text
    return text


def _sync_body(lead: Mapping[str, Any]) -> JSON:
    if isinstance(lead.get("data"), dict) and "source" in lead:
        return dict(lead)
    data = {k: v for k, v in lead.items() if k not in ("source", "options")}
    body: JSON = {"source": lead.get("source"), "data": data}
    if isinstance(lead.get("options"), dict):
        body["options"] = lead["options"]
    return body


class Jobs:
    def __init__(self, t: _Transport) -> None:
        self._t = t

    def list(self, limit: int = 20, cursor: Optional[str] = None) -> JSON:
        return self._t.request("GET", "/sync/jobs", query={"limit": limit, "cursor": cursor})

    def get(self, job_id: str) -> JSON:
        return self._t.request("GET", f"/sync/jobs/{urllib.parse.quote(job_id)}")

    def wait(
        self,
        job_id: str,
        on_progress: Optional[Callable[[JSON], None]] = None,
        poll_interval: float = 1.0,
        timeout: Optional[float] = None,
    ) -> JSON:
        """Polls a job until it finishes, calling ``on_progress(job)`` on every poll."""
        deadline = None if timeout is None else time.monotonic() + timeout
        while True:
            job = self.get(job_id)
            if on_progress:
                on_progress(job)
            if job.get("status") in FINISHED:
                return job
            if deadline is not None and time.monotonic() > deadline:
                raise TimeoutError(f"job {job_id} still {job.get('status')}")
            time.sleep(poll_interval)

    def retry(self, job_id: str) -> JSON:
        return self._t.request("POST", f"/sync/jobs/{urllib.parse.quote(job_id)}/retry")


class Leads:
    def __init__(self, t: _Transport, jobs: Jobs) -> None:
        self._t = t
        self._jobs = jobs

    def sync(self, lead: Mapping[str, Any], idempotency_key: Optional[str] = None) -> JSON:
        """Imports one lead: the seed's flat form (``{'first_name', 'email', ..., 'source'}``)
        or the API's ``{'source', 'data', 'options'}``."""
        return self._t.request("POST", "/sync/leads", json_body=_sync_body(lead), idempotency_key=idempotency_key)

    def validate(self, lead: Mapping[str, Any]) -> JSON:
        body = _sync_body(lead)
        return self._t.request("POST", "/validate/leads", json_body={"source": body["source"], "data": body["data"]})

    def start_bulk(
        self,
        leads: List[Any],
        source: str,
        options: Optional[JSON] = None,
        continue_on_error: bool = True,
        idempotency_key: Optional[str] = None,
    ) -> JSON:
        body: JSON = {"source": source, "leads": leads, "batch_options": {"continue_on_error": continue_on_error}}
        if options:
            body["options"] = options
        return self._t.request("POST", "/sync/leads/bulk", json_body=body, idempotency_key=idempotency_key)

    def bulk(
        self,
        leads: List[Any],
        source: str,
        options: Optional[JSON] = None,
        continue_on_error: bool = True,
        on_progress: Optional[Callable[[JSON], None]] = None,
        poll_interval: float = 1.0,
        wait: bool = True,
    ) -> JSON:
        """Starts a bulk import and (by default) polls it to the end with progress callbacks."""
        accepted = self.start_bulk(leads, source, options, continue_on_error)
        if not wait:
            return self._jobs.get(accepted["job_id"])
        return self._jobs.wait(accepted["job_id"], on_progress=on_progress, poll_interval=poll_interval)

    def upload_csv(self, csv: bytes | str, source: str, idempotency_key: Optional[str] = None) -> JSON:
        data = csv.encode("utf-8") if isinstance(csv, str) else csv
        return self._t.request(
            "POST",
            "/sync/leads/bulk",
            data=data,
            content_type="text/csv",
            query={"source": source},
            idempotency_key=idempotency_key,
        )

    def list(self, **query: Any) -> JSON:
        return self._t.request("GET", "/leads", query=query)

    def get(self, lead_id: str) -> JSON:
        return self._t.request("GET", f"/leads/{urllib.parse.quote(lead_id)}")


class Prospects:
    def __init__(self, t: _Transport) -> None:
        self._t = t

    def convert(self, lead_id: str, qualification_data: Optional[JSON] = None, conversion_options: Optional[JSON] = None) -> JSON:
        """``POST /prospects/convert/{lead_id}`` as the seed documents it: an engaged lead becomes
        a prospect. An unknown lead raises ``NotFoundError``."""
        body: JSON = {}
        if qualification_data is not None:
            body["qualification_data"] = qualification_data
        if conversion_options is not None:
            body["conversion_options"] = conversion_options
        return self._t.request("POST", f"/prospects/convert/{urllib.parse.quote(lead_id)}", json_body=body)


def suppression_kind(value: str) -> str:
    if "@" in value:
        return "email"
    stripped = value.strip()
    if stripped and (stripped[0] == "+" or stripped[0].isdigit()) and sum(c.isdigit() for c in stripped) >= 6:
        return "phone"
    return "domain"


class Suppressions:
    def __init__(self, t: _Transport) -> None:
        self._t = t

    def add(self, value: str, kind: Optional[str] = None, reason: Optional[str] = None) -> JSON:
        body: JSON = {"kind": kind or suppression_kind(value), "value": value}
        if reason:
            body["reason"] = reason
        return self._t.request("POST", "/suppressions", json_body=body)

    def list(self, limit: int = 50, cursor: Optional[str] = None) -> JSON:
        return self._t.request("GET", "/suppressions", query={"limit": limit, "cursor": cursor})

    def remove(self, suppression_id: str) -> None:
        self._t.request("DELETE", f"/suppressions/{urllib.parse.quote(suppression_id)}")


class Keys:
    def __init__(self, t: _Transport) -> None:
        self._t = t

    def create(self, name: str, scopes: List[str]) -> JSON:
        return self._t.request("POST", "/keys", json_body={"name": name, "scopes": scopes})

    def list(self) -> List[JSON]:
        return self._t.request("GET", "/keys")["keys"]


class Webhooks:
    @staticmethod
    def verify(payload: str | bytes, headers: Mapping[str, Any], secret: str, tolerance_seconds: int = 300) -> Any:
        """Verifies a delivery's Standard Webhooks signature and returns its parsed body."""
        return verify_webhook(payload, headers, secret, tolerance_seconds)


class HaloIntegration:
    """The LeadBridge client, under the seed's name.

    >>> client = HaloIntegration(api_key='lb_...', base_url='http://localhost:8787/api/v1')
    >>> client.leads.sync({'first_name': 'John', 'email': 'john.doe@company.com', 'source': 'apollo'})
    """

    def __init__(
        self,
        api_key: str,
        base_url: str,
        max_retries: int = 3,
        max_retry_delay: float = 30.0,
        timeout: float = 60.0,
        on_retry: Optional[Callable[[int, float, Optional[int]], None]] = None,
    ) -> None:
        self._t = _Transport(api_key, base_url, max_retries, max_retry_delay, timeout, on_retry)
        self.jobs = Jobs(self._t)
        self.leads = Leads(self._t, self.jobs)
        self.prospects = Prospects(self._t)
        self.suppressions = Suppressions(self._t)
        self.keys = Keys(self._t)
        self.webhooks = Webhooks()

    @property
    def base_url(self) -> str:
        return self._t.base_url

    def health(self) -> JSON:
        """Service health; a 503 (database unreachable) is returned, not raised."""
        return self._t.request("GET", "/health", accept=(503,))

    def request(self, method: str, path: str, **kwargs: Any) -> Any:
        """Any route, for what the resources do not cover yet."""
        return self._t.request(method, path, **kwargs)


LeadBridge = HaloIntegration

__all__ = ["HaloIntegration", "LeadBridge", "LeadBridgeError"]
