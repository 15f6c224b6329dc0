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
            ("keychain", _check_keychain),
        ]
        for name, check in checks:
            try:
                results.append(CheckResult(name, True, check()))
            except Exception as exc:  # a self-test reports every failure, never stops early
                results.append(CheckResult(name, False, f"{type(exc).__name__}: {exc}"))
    return results
