"""A small HubSpot stand-in on 127.0.0.1 speaking the CRM v3 objects shapes the push uses.

GET /crm/v3/objects/{type}?limit=N (the connection test), POST /crm/v3/objects/{type}/search,
POST /crm/v3/objects/{type} (with `associations`), PATCH /crm/v3/objects/{type}/{id}. Bearer
token checked (401 otherwise); unknown properties refused (400, as a portal without that
property would). Faults are scripted per test:
`fail(status, times, retry_after)`, `fail_from(n_ok, status)` (an outage after n requests),
`hang(seconds, times)` (the client times out). No test reaches the network.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

TOKEN = "pat-na1-good-token"
TYPE_TARGET = {194: "contacts", 182: "companies", 198: "contacts", 186: "companies", 200: "contacts",
               188: "companies", 202: "contacts", 190: "companies", 81: "contacts", 87: "companies",
               279: "companies"}
ALLOWED = {
    "contacts": {"email", "firstname", "lastname", "jobtitle", "phone", "mobilephone", "company",
                 "website", "city", "state", "country"},
    "companies": {"name", "domain", "website", "phone", "city", "state", "country"},
}
REQUIRED = {"calls": {"hs_timestamp"}, "emails": {"hs_timestamp"}, "notes": {"hs_timestamp"},
            "meetings": {"hs_timestamp"}, "communications": {"hs_timestamp", "hs_communication_channel_type"}}


class FakeHubSpot:
    def __init__(self) -> None:
        self.objects: dict[str, dict[str, dict[str, Any]]] = {}
        self.requests: list[tuple[str, str]] = []
        self._ids = itertools.count(1001)
        self._faults: list[tuple[int, dict[str, str]]] = []
        self._hangs: list[float] = []
        self._hang_after_create: list[tuple[float, str]] = []
        self._fail_from: tuple[int, int] | None = None
        self._served_ok = 0
        self.lock = threading.Lock()
        self.server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    # -- scripting ---------------------------------------------------------------------------
    def fail(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        headers = {"Retry-After": retry_after} if retry_after else {}
        self._faults.extend([(status, headers)] * times)

    def fail_from(self, n_ok: int, status: int = 500) -> None:
        self._fail_from = (n_ok, status)

    def heal(self) -> None:
        self._faults.clear()
        self._fail_from = None
        self._hangs.clear()

    def hang(self, seconds: float, times: int = 1) -> None:
        self._hangs.extend([seconds] * times)

    def hang_after_create(self, seconds: float, object_type: str) -> None:
        """The next create of that type is stored, then answered too late (the client times out)."""
        self._hang_after_create.append((seconds, object_type))

    def of(self, object_type: str) -> list[dict[str, Any]]:
        return list(self.objects.get(object_type, {}).values())

    # -- HTTP --------------------------------------------------------------------------------
    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *_args: object) -> None:
                pass

            def _send(self, status: int, body: dict[str, Any], headers: dict[str, str] | None = None) -> None:
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                for key, value in (headers or {}).items():
                    self.send_header(key, value)
                self.end_headers()
                self.wfile.write(raw)

            def _error(self, status: int, message: str, headers: dict[str, str] | None = None) -> None:
                self._send(status, {"status": "error", "message": message, "correlationId": "fake",
                                    "category": "VALIDATION_ERROR" if status == 400 else "ERROR"}, headers)

            def _handle(self, method: str) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}")
                with fake.lock:
                    fake.requests.append((method, self.path))
                    hang = fake._hangs.pop(0) if fake._hangs else 0.0
                if hang:
                    time.sleep(hang)
                    return self._error(503, "too late")
                if self.headers.get("Authorization") != f"Bearer {TOKEN}":
                    return self._error(401, "Authentication credentials not found.")
                late = 0.0
                with fake.lock:
                    if fake._faults:
                        status, headers = fake._faults.pop(0)
                        return self._error(status, f"scripted {status}", headers)
                    if fake._fail_from is not None and fake._served_ok >= fake._fail_from[0]:
                        return self._error(fake._fail_from[1], "internal error")
                    fake._served_ok += 1
                    status, answer = self._route(method, body)
                    if status == 201 and fake._hang_after_create and \
                            self.path.rstrip("/").endswith("/" + fake._hang_after_create[0][1]):
                        late = fake._hang_after_create.pop(0)[0]
                if late:
                    time.sleep(late)
                try:
                    if status >= 400:
                        return self._error(status, answer["message"])
                    return self._send(status, answer)
                except OSError:  # the client gave up waiting
                    return None

            def _route(self, method: str, body: dict[str, Any]) -> tuple[int, dict[str, Any]]:
                path, _, query = self.path.partition("?")
                parts = path.strip("/").split("/")
                if parts[:3] != ["crm", "v3", "objects"] or len(parts) < 4:
                    return 404, {"message": "not found"}
                object_type = parts[3]
                store = fake.objects.setdefault(object_type, {})
                if method == "GET" and len(parts) == 4:  # a page of objects (the connection test)
                    limit = int(dict(p.split("=", 1) for p in query.split("&") if "=" in p).get("limit", 10))
                    return 200, {"results": list(store.values())[:limit]}
                if method == "POST" and len(parts) == 5 and parts[4] == "search":
                    filters = body["filterGroups"][0]["filters"]
                    found = [o for o in store.values() if all(_matches(o, f) for f in filters)]
                    return 200, {"total": len(found), "results": found[:body.get("limit", 10)]}
                props = body.get("properties", {})
                allowed = ALLOWED.get(object_type)
                unknown = [p for p in props if (p not in allowed if allowed else not p.startswith("hs_"))]
                if unknown:
                    return 400, {"message": f"Property values were not valid: {unknown[0]} does not exist"}
                if method == "POST" and len(parts) == 4:
                    missing = REQUIRED.get(object_type, set()) - set(props)
                    if missing:
                        return 400, {"message": f"missing {sorted(missing)[0]}"}
                    links = []
                    for assoc in body.get("associations", []):
                        type_id = assoc["types"][0]["associationTypeId"]
                        target = TYPE_TARGET.get(type_id)
                        to_id = str(assoc["to"]["id"])
                        if target is None or to_id not in fake.objects.get(target, {}):
                            return 400, {"message": f"association {type_id} to {to_id} is invalid"}
                        links.append((target, to_id, type_id))
                    new_id = str(next(fake._ids))
                    store[new_id] = {"id": new_id, "properties": dict(props), "associations": links,
                                     "createdAt": "2026-12-07T00:00:00Z", "archived": False}
                    return 201, store[new_id]
                if method == "PATCH" and len(parts) == 5:
                    if parts[4] not in store:
                        return 404, {"message": "Object not found"}
                    store[parts[4]]["properties"].update(props)
                    return 200, store[parts[4]]
                return 405, {"message": "method not allowed"}

            def do_GET(self) -> None:
                self._handle("GET")

            def do_POST(self) -> None:
                self._handle("POST")

            def do_PATCH(self) -> None:
                self._handle("PATCH")

        return Handler


def _matches(record: dict[str, Any], flt: dict[str, str]) -> bool:
    name, value = flt["propertyName"], flt["value"]
    if name == "associations.contact":
        return any(t == "contacts" and i == value for t, i, _type in record["associations"])
    stored = record["properties"].get(name)
    if name == "hs_timestamp" and stored:
        moment = datetime.strptime(stored, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        return str(int(moment.timestamp() * 1000)) == value
    return bool(stored == value)


@contextmanager
def running() -> Iterator[FakeHubSpot]:
    fake = FakeHubSpot()
    fake.thread.start()
    try:
        yield fake
    finally:
        fake.server.shutdown()
        fake.server.server_close()
