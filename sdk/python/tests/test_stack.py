"""The Python SDK against a running LeadBridge (npm test starts one and sets LEADBRIDGE_URL and
LEADBRIDGE_API_KEY; see sdk/ts/test/python.test.ts)."""

from __future__ import annotations

import os
import pathlib
import unittest
import urllib.error
import urllib.request
import uuid
from typing import Any, Dict, List

from halopsa_integration import HaloIntegration, NotFoundError, ValidationError


def _env() -> Dict[str, str]:
    url, key = os.environ.get("LEADBRIDGE_URL"), os.environ.get("LEADBRIDGE_API_KEY")
    if not url or not key:
        raise RuntimeError("set LEADBRIDGE_URL and LEADBRIDGE_API_KEY (npm test does)")
    return {"url": url, "key": key}


class StackTest(unittest.TestCase):
    env: Dict[str, str]
    client: HaloIntegration

    @classmethod
    def setUpClass(cls) -> None:
        cls.env = _env()
        cls.client = HaloIntegration(api_key=cls.env["key"], base_url=cls.env["url"])

    def test_the_seed_example_runs_as_written(self) -> None:
        source = (pathlib.Path(__file__).parent / "seed_example.py").read_text()
        source = source.replace("your_api_key", self.env["key"]).replace(
            "https://your-domain.com/api/v1", self.env["url"]
        )
        scope: Dict[str, Any] = {}
        exec(compile(source, "seed_example.py", "exec"), scope)  # noqa: S102 - our own fixture
        result = scope["result"]
        self.assertTrue(result["success"])
        self.assertTrue(result["lead_id"].startswith("ld_"))

    def test_sync_a_flat_lead(self) -> None:
        tag = uuid.uuid4().hex[:8]
        result = self.client.leads.sync(
            {"first_name": "Py", "last_name": "Thon", "email": f"py.{tag}@py-sdk.example", "company": "Py Sdk", "source": "hunter"}
        )
        self.assertTrue(result["success"])
        self.assertEqual(result["action"], "created")
        self.assertIsInstance(result["halopsa"]["ticket_id"], int)

    def test_bulk_with_progress(self) -> None:
        tag = uuid.uuid4().hex[:8]
        leads: List[Dict[str, Any]] = [
            {"first_name": f"P{i}", "last_name": "Bulk", "email": f"p{i}.{tag}@py-bulk.example", "company": "Py Bulk"}
            for i in range(120)
        ]
        leads[3]["email"] = "nope"
        seen: List[int] = []
        job = self.client.leads.bulk(leads, source="generic", on_progress=lambda j: seen.append(j["processed"]), poll_interval=0.2)
        self.assertEqual(job["status"], "completed_with_errors")
        self.assertEqual(job["total"], 120)
        self.assertEqual(job["by_action"].get("created"), 119)
        self.assertEqual([e["index"] for e in job["errors"]], [3])
        self.assertEqual(seen[-1], 120)
        self.assertEqual(seen, sorted(seen))

    def test_convert_of_an_unknown_lead_is_a_typed_404(self) -> None:
        with self.assertRaises(NotFoundError) as ctx:
            self.client.prospects.convert("ld_00000000000000000000000000", qualification_data={"fit_score": 85})
        self.assertEqual(ctx.exception.status, 404)
        self.assertEqual(ctx.exception.code, "RESOURCE_NOT_FOUND")
        self.assertTrue(ctx.exception.request_id)

    def test_an_error_carries_its_code_field_and_the_logged_request_id(self) -> None:
        with self.assertRaises(ValidationError) as ctx:
            self.client.leads.sync({"email": "not-an-email", "source": "generic"})
        err = ctx.exception
        self.assertEqual(err.code, "VALIDATION_ERROR")
        self.assertIn("email", (err.details or {}).get("field", ""))
        self.assertTrue(err.request_id)
        # The same id the service put on the response header.
        req = urllib.request.Request(
            self.env["url"] + "/sync/leads",
            data=b'{"source":"generic","data":{"email":"not-an-email"}}',
            headers={"Authorization": "Bearer " + self.env["key"], "Content-Type": "application/json"},
            method="POST",
        )
        try:
            urllib.request.urlopen(req)
        except urllib.error.HTTPError as exc:
            import json

            body = json.loads(exc.read())
            self.assertEqual(body["error"]["request_id"], exc.headers["X-Request-Id"])

    def test_suppressions_keys_and_health(self) -> None:
        s = self.client.suppressions.add(f"dnc-{uuid.uuid4().hex[:6]}.example", reason="py test")
        self.assertEqual(s["kind"], "domain")
        key = self.client.keys.create("py test", ["read"])
        reader = HaloIntegration(api_key=key["key"], base_url=self.env["url"])
        self.assertIn(reader.health()["status"], ("healthy", "degraded"))
        self.assertGreaterEqual(len(self.client.jobs.list(limit=5)["jobs"]), 0)


if __name__ == "__main__":
    unittest.main()
