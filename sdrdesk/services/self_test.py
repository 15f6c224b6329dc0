"""Checks an installation can do its job, without a window: `sdrdesk --self-test` runs these
plus a window check. Frozen bundles are checked with it in CI (missing modules show up here).
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import text

from sdrdesk.domain.phones import parse_phone
from sdrdesk.services.secrets import SecretStore
from sdrdesk.storage import models as m
from sdrdesk.storage.engine import open_book
from sdrdesk.storage.migrations import CURRENT_VERSION
from sdrdesk.storage.unit_of_work import uow_factory_for


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str


def _check_database(folder: Path) -> str:
    book = open_book(folder / "self-test.db")
    try:
        uow = uow_factory_for(book.session_factory)
        with uow() as u:
            account = u.accounts.add(m.Account(name="Zoë Müller Analytics", domain="example.com"))
            u.commit()
        with book.engine.connect() as conn:
            pragmas = {name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
                       for name in ("journal_mode", "synchronous", "foreign_keys", "user_version")}
            hits = conn.execute(text("SELECT count(*) FROM account_fts WHERE account_fts MATCH 'muller'"))
            found = hits.scalar()
        expected = {"journal_mode": "wal", "synchronous": 2, "foreign_keys": 1,
                    "user_version": CURRENT_VERSION}
        if pragmas != expected:
            raise AssertionError(f"pragmas {pragmas} != {expected}")
        if found != 1:
            raise AssertionError("full-text search did not find the test account")
        return f"schema v{CURRENT_VERSION}, WAL, FTS5 search ok (account {account.id.hex[:8]})"
    finally:
        book.close()


def _check_phone_timezone() -> str:
    info = parse_phone("+1 416 555 0199", "US")
    if info.timezones != ("America/Toronto",):
        raise AssertionError(f"Toronto number mapped to {info.timezones}")
    from zoneinfo import ZoneInfo

    ZoneInfo("America/Toronto")  # tzdata present (Windows has no system zone database)
    return "Toronto number -> America/Toronto"


def _check_bundled_data() -> str:
    """Libraries whose data a frozen bundle can leave behind: country names, public holidays,
    sandboxed templates, calendar files, encryption, e-mail syntax."""
    from datetime import date

    import holidays
    import icalendar
    import pycountry
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM
    from email_validator import validate_email
    from jinja2.sandbox import SandboxedEnvironment

    country = pycountry.countries.lookup("Brunei Darussalam")
    if country.alpha_2 != "BN":
        raise AssertionError(f"country names: {country.alpha_2}")
    if date(2026, 7, 1) not in holidays.country_holidays("CA", subdiv="ON", years=2026):
        raise AssertionError("holidays: Canada Day missing")
    if SandboxedEnvironment().from_string("{{ a }}").render(a="ok") != "ok":
        raise AssertionError("templates do not render")
    calendar = icalendar.Calendar.from_ical("BEGIN:VCALENDAR\r\nVERSION:2.0\r\nEND:VCALENDAR\r\n")
    AESGCM(AESGCM.generate_key(bit_length=256))
    validate_email("o'brien@example.com", check_deliverability=False)
    return f"countries, holidays, templates, calendar ({calendar.get('VERSION')}), crypto, e-mail ok"


def _check_keychain() -> str:
    store = SecretStore()
    if not store.available():
        value = store.get("self-test")  # must degrade to None, never raise
        if value is not None:
            raise AssertionError("absent keychain returned a value")
        return "no keychain: degrades cleanly"
    return f"keychain backend available ({type(__import__('keyring').get_keyring()).__name__})"


def run_checks() -> list[CheckResult]:
    results: list[CheckResult] = []
    with tempfile.TemporaryDirectory(prefix="sdrdesk-self-test-") as folder:
        checks: list[tuple[str, Callable[[], str]]] = [
            ("database", lambda: _check_database(Path(folder))),
            ("phone time zones", _check_phone_timezone),
            ("bundled data", _check_bundled_data),
            ("keychain", _check_keychain),
        ]
        for name, check in checks:
            try:
                results.append(CheckResult(name, True, check()))
            except Exception as exc:  # a self-test reports every failure, never stops early
                results.append(CheckResult(name, False, f"{type(exc).__name__}: {exc}"))
    return results
