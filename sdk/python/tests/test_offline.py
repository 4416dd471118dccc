"""SDK behaviour that needs no LeadBridge: retries against a local stub, webhook vectors."""

from __future__ import annotations

import json
import threading
import time
import unittest
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Callable, Dict, List, Tuple

from halopsa_integration import HaloIntegration, RateLimitError, WebhookVerificationError
from leadbridge import parse_retry_after, sign_webhook, verify_webhook

Step = Tuple[int, Dict[str, str]]


class _Stub:
    """A local HTTP server answering from a script of (status, headers) steps."""

    def __init__(self) -> None:
        self.seen: List[Tuple[str | None, float]] = []
        self.script: Callable[[int], Step] = lambda n: (200, {})
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:  # noqa: N802
                length = int(self.headers.get("Content-Length") or 0)
                self.rfile.read(length)
                stub.seen.append((self.headers.get("Idempotency-Key"), time.monotonic()))
                status, headers = stub.script(len(stub.seen))
                n = len(stub.seen)
                if status == 200:
                    body: Dict[str, Any] = {"success": True, "lead_id": "ld_stub"}
                else:
                    body = {"error": {"code": "RATE_LIMIT_EXCEEDED", "message": "slow down", "details": None, "timestamp": "", "request_id": f"req_{n}"}}
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("X-Request-Id", f"req_{n}")
                for k, v in headers.items():
                    self.send_header(k, v)
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/v1"

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


class RetryTest(unittest.TestCase):
    def setUp(self) -> None:
        self.stub = _Stub()

    def tearDown(self) -> None:
        self.stub.close()

    def test_429_is_retried_after_retry_after_with_the_same_idempotency_key(self) -> None:
        self.stub.script = lambda n: (429, {"Retry-After": "1"}) if n == 1 else (200, {})
        client = HaloIntegration(api_key="k", base_url=self.stub.url)
        result = client.leads.sync({"email": "a@b.example", "source": "generic"})
        self.assertEqual(result["lead_id"], "ld_stub")
        self.assertEqual(len(self.stub.seen), 2)
        (key1, t1), (key2, t2) = self.stub.seen
        self.assertTrue(key1 and key1.startswith("sdk-"))
        self.assertEqual(key1, key2)
        self.assertGreaterEqual(t2 - t1, 0.95)

    def test_waits_and_attempts_are_capped_then_a_typed_error_carries_the_envelope(self) -> None:
        self.stub.script = lambda n: (429 if n % 2 else 503, {"Retry-After": "3600"})
        delays: List[float] = []
        client = HaloIntegration(
            api_key="k", base_url=self.stub.url, max_retries=2, max_retry_delay=0.02,
            on_retry=lambda attempt, delay, status: delays.append(delay),
        )
        started = time.monotonic()
        with self.assertRaises(RateLimitError) as ctx:
            client.leads.sync({"email": "a@b.example", "source": "generic"})
        self.assertLess(time.monotonic() - started, 2)
        self.assertEqual(delays, [0.02, 0.02])
        self.assertEqual(ctx.exception.code, "RATE_LIMIT_EXCEEDED")
        self.assertEqual(ctx.exception.request_id, "req_3")
        self.assertEqual(ctx.exception.retry_after, 3600)

    def test_retry_after_as_an_http_date(self) -> None:
        self.assertEqual(parse_retry_after("Wed, 21 Oct 2015 07:28:10 GMT", now=1445412480.0), 10.0)
        self.assertIsNone(parse_retry_after("soon"))


class WebhookTest(unittest.TestCase):
    # The example from the Standard Webhooks specification (also what the reference
    # `standardwebhooks` package produces for it).
    SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
    HEADERS = {
        "webhook-id": "msg_p5jXN8AQM9LWM0D4loKWxJek",
        "webhook-timestamp": "1614265330",
        "webhook-signature": "v1,g0hM9SsE+OTPJTGt/tmIKtSyZlE3uFJELVlNIOLJ1OE=",
    }
    PAYLOAD = '{"test": 2432232314}'

    def test_the_specification_vector_verifies(self) -> None:
        client = HaloIntegration(api_key="k", base_url="http://127.0.0.1:9/api/v1")
        body = client.webhooks.verify(self.PAYLOAD, self.HEADERS, self.SECRET, tolerance_seconds=10**10)
        self.assertEqual(body, {"test": 2432232314})

    def test_tampering_a_wrong_secret_and_old_messages_are_refused(self) -> None:
        now = 1614265330
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(self.PAYLOAD + " ", self.HEADERS, self.SECRET, now=now)
        with self.assertRaises(WebhookVerificationError):
            verify_webhook(self.PAYLOAD, self.HEADERS, "whsec_" + "QUJD" * 8, now=now)
        with self.assertRaisesRegex(WebhookVerificationError, "too old"):
            verify_webhook(self.PAYLOAD, self.HEADERS, self.SECRET, now=now + 301)

    def test_own_signer_round_trips_and_header_case_does_not_matter(self) -> None:
        headers = sign_webhook('{"a":1}', self.SECRET, "msg_1")
        upper = {k.upper(): v for k, v in headers.items()}
        self.assertEqual(verify_webhook('{"a":1}', upper, self.SECRET), {"a": 1})


if __name__ == "__main__":
    unittest.main()
