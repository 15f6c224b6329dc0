"""A small HubSpot CRM client (urllib) with the retry rules the push needs. No Qt.

Endpoints used, as HubSpot documents them (docs/crm.md lists the sources):
- POST  /crm/v3/objects/{contacts|companies}/search   find a person by e-mail, a company by domain
- POST  /crm/v3/objects/{type}                          create, with an `associations` array
- PATCH /crm/v3/objects/{type}/{id}                     update a record pushed before
Authentication is a private-app token sent as `Authorization: Bearer`.

Rules: HTTP 429 waits `Retry-After` seconds (or an exponential backoff) and tries again;
5xx retries with backoff; after the retries, or on a timeout or no network, the push stops
and what was not sent stays queued. 401/403 stop the push with a clear message. Any other
4xx is that record's own error: it is kept on the outbox row for the rep to read and retry.
"""

from __future__ import annotations

import json
import logging
import ssl
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

log = logging.getLogger(__name__)

DEFAULT_BASE_URL = "https://api.hubapi.com"
TOKEN_SECRET_NAME = "hubspot-private-app-token"

# Default (HUBSPOT_DEFINED) association type ids, from the associations v4 documentation.
ASSOCIATION_TYPES = {
    ("calls", "contacts"): 194, ("calls", "companies"): 182,
    ("emails", "contacts"): 198, ("emails", "companies"): 186,
    ("meetings", "contacts"): 200, ("meetings", "companies"): 188,
    ("notes", "contacts"): 202, ("notes", "companies"): 190,
    ("communications", "contacts"): 81, ("communications", "companies"): 87,
    ("contacts", "companies"): 279,
}


class HubSpotError(Exception):
    """A failure talking to HubSpot; `stop` says the whole push must stop (not just this record)."""

    stop = False

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.status = status


class HubSpotAuthError(HubSpotError):
    stop = True


class HubSpotUnavailable(HubSpotError):
    """Offline, timed out, or the server kept failing: stop, keep everything queued."""

    stop = True

    def __init__(self, message: str, *, status: int | None = None, maybe_applied: bool = False) -> None:
        super().__init__(message, status=status)
        self.maybe_applied = maybe_applied  # a timeout: HubSpot may have done it without answering


class HubSpotRecordError(HubSpotError):
    """HubSpot refused this one record (400, 404, 409...): readable, retryable later."""


@dataclass(frozen=True)
class RetryPolicy:
    attempts: int = 4  # tries per request, the first included
    backoff_seconds: float = 1.0  # doubled after each failed try
    max_wait_seconds: float = 60.0  # never wait longer than this for one Retry-After


def tls_context() -> ssl.SSLContext:
    """Certificates checked against the operating system's store (corporate proxies included)."""
    try:
        import truststore

        return truststore.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    except ImportError:  # pragma: no cover - truststore is a dependency
        return ssl.create_default_context()


class HubSpotClient:
    def __init__(self, token: str, *, base_url: str = DEFAULT_BASE_URL, timeout: float = 15.0,
                 retry: RetryPolicy | None = None,
                 sleep: Callable[[float], None] = time.sleep) -> None:
        self._token = token
        self._base = base_url.rstrip("/")
        self._timeout = timeout
        self._retry = retry or RetryPolicy()
        self._sleep = sleep
        self.waited: list[float] = []  # every pause taken (tests, and the push summary)
        self._tls = tls_context() if self._base.startswith("https:") else None

    # -- transport ---------------------------------------------------------------------------
    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> dict[str, Any]:
        data = None if body is None else json.dumps(body).encode("utf-8")
        delay = self._retry.backoff_seconds
        last: HubSpotError | None = None
        for attempt in range(1, self._retry.attempts + 1):
            req = urllib.request.Request(self._base + path, data=data, method=method, headers={
                "Authorization": f"Bearer {self._token}", "Content-Type": "application/json",
                "Accept": "application/json"})
            try:
                with urllib.request.urlopen(req, timeout=self._timeout) as response:
                    raw = response.read()
                    return json.loads(raw) if raw else {}
            except urllib.error.HTTPError as exc:
                status = exc.code
                message = _error_message(exc)
                if status in (401, 403):
                    raise HubSpotAuthError(
                        "HubSpot refused the private-app token (HTTP "
                        f"{status}): check it and its scopes (Preferences > HubSpot push). Nothing "
                        "was lost; the outbox keeps every record.", status=status) from None
                if status == 429:
                    wait = _retry_after(exc.headers.get("Retry-After"), delay)
                    wait = min(wait, self._retry.max_wait_seconds)
                    last = HubSpotUnavailable(f"HubSpot is rate-limiting (HTTP 429): {message}", status=429)
                elif status >= 500:
                    wait = delay
                    last = HubSpotUnavailable(f"HubSpot had a server error (HTTP {status}): {message}",
                                              status=status)
                else:
                    raise HubSpotRecordError(f"HubSpot refused it (HTTP {status}): {message}",
                                             status=status) from None
            except TimeoutError:
                raise HubSpotUnavailable("HubSpot did not answer in time; the outbox keeps the rest "
                                         "for the next push.", maybe_applied=True) from None
            except (urllib.error.URLError, ConnectionError, OSError) as exc:
                raise HubSpotUnavailable(f"HubSpot could not be reached ({type(exc).__name__}); "
                                         "the outbox keeps everything for the next push.") from None
            if attempt < self._retry.attempts:
                log.info("hubspot: HTTP %s, retrying in %.1fs", last.status, wait)
                self.waited.append(wait)
                self._sleep(wait)
                delay *= 2
        assert last is not None
        raise last

    # -- objects -----------------------------------------------------------------------------
    def check_access(self) -> None:
        """One cheap read (a page of one contact): raises HubSpotError when the token or network fails."""
        self.request("GET", "/crm/v3/objects/contacts?limit=1&archived=false")

    def search_one(self, object_type: str, prop: str, value: str) -> str | None:
        found = self.request("POST", f"/crm/v3/objects/{object_type}/search", {
            "filterGroups": [{"filters": [{"propertyName": prop, "operator": "EQ", "value": value}]}],
            "properties": [prop], "limit": 1})
        results = found.get("results") or []
        return str(results[0]["id"]) if results else None

    def find_engagement(self, object_type: str, timestamp: str, contact_id: str) -> str | None:
        """The activity logged at `timestamp` (ISO, UTC) on that contact, if HubSpot has one."""
        moment = datetime.strptime(timestamp, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC)
        millis = str(int(moment.timestamp() * 1000))
        found = self.request("POST", f"/crm/v3/objects/{object_type}/search", {
            "filterGroups": [{"filters": [
                {"propertyName": "hs_timestamp", "operator": "EQ", "value": millis},
                {"propertyName": "associations.contact", "operator": "EQ", "value": contact_id}]}],
            "properties": ["hs_timestamp"], "limit": 1})
        results = found.get("results") or []
        return str(results[0]["id"]) if results else None

    def create(self, object_type: str, properties: dict[str, str],
               associations: list[tuple[str, str]] = ()) -> str:  # type: ignore[assignment]
        body: dict[str, Any] = {"properties": properties}
        if associations:
            body["associations"] = [
                {"to": {"id": to_id},
                 "types": [{"associationCategory": "HUBSPOT_DEFINED",
                            "associationTypeId": ASSOCIATION_TYPES[(object_type, to_type)]}]}
                for to_type, to_id in associations]
        return str(self.request("POST", f"/crm/v3/objects/{object_type}", body)["id"])

    def update(self, object_type: str, remote_id: str, properties: dict[str, str]) -> str:
        return str(self.request("PATCH", f"/crm/v3/objects/{object_type}/{remote_id}",
                                {"properties": properties}).get("id", remote_id))


def _retry_after(header: str | None, fallback: float) -> float:
    try:
        return max(0.0, float(header)) if header else fallback
    except ValueError:
        return fallback


def _error_message(exc: urllib.error.HTTPError) -> str:
    try:
        payload = json.loads(exc.read() or b"{}")
    except (ValueError, OSError):
        payload = {}
    message = payload.get("message") if isinstance(payload, dict) else None
    return str(message or exc.reason or "no details")
