"""`Workspace.browse`: the book pane's searches, pages of rows and filter choices (reads only).

Holds the book's `SortCache` (name ranks kept on a private read-only connection), so panes
never build one: the service knows the file, the pane only asks.
"""

from __future__ import annotations

import logging
import sqlite3
import threading
import uuid
from collections.abc import Callable, Sequence
from pathlib import Path

from sqlalchemy import select

from sdrdesk.domain.cancel import CancelToken
from sdrdesk.services import book_queries as bq
from sdrdesk.services.book_queries import (
    AccountRow,
    BookFilters,
    BookIds,
    ContactRow,
    FilterOptions,
    SearchHit,
)
from sdrdesk.storage import models as m
from sdrdesk.storage.unit_of_work import UowFactory

log = logging.getLogger(__name__)


class BookService:
    def __init__(self, uow_factory: UowFactory, path: Path) -> None:
        self._uow = uow_factory
        self._path = path
        self._lock = threading.Lock()
        self._cache: bq.SortCache | None = None
        self._cache_tried = False

    def _sort_cache(self) -> bq.SortCache | None:
        with self._lock:
            if not self._cache_tried:
                self._cache_tried = True
                try:
                    self._cache = bq.SortCache(self._path)
                except sqlite3.Error as exc:  # an in-memory or vanished file: plain SQL still works
                    log.info("no sort cache: %s", type(exc).__name__)
            return self._cache

    def search(self, text: str, filters: BookFilters, account_sort: tuple[str, bool],
               contact_sort: tuple[str, bool], *, cancel: CancelToken | None = None,
               accounts_first: Callable[[BookIds], None] | None = None) -> BookIds:
        cache = self._sort_cache()
        with self._uow() as uow:
            if cancel is not None:
                cancel.raise_if_cancelled()
            return bq.search_book(uow, text, filters, account_sort=account_sort, contact_sort=contact_sort,
                                  cache=cache, accounts_first=accounts_first)

    def warm_up(self) -> None:
        """Build the name ranks ahead of the next search (run off the GUI thread)."""
        cache = self._sort_cache()
        if cache is not None:
            cache.prepare()

    def warm_up_names(self) -> None:
        """Read the names' words (for "Did you mean" and the ranking) ahead of need; off the GUI
        thread, after `warm_up`, so it never competes with the first pages."""
        cache = self._sort_cache()
        if cache is not None:
            cache.name_words()

    def records_changed(self) -> None:
        """Accounts or contacts changed: the next search re-reads the name ranks."""
        if self._cache is not None:
            self._cache.invalidate()

    def search_with_hits(self, text: str, limit: int) -> tuple[BookIds, list[SearchHit]]:
        """`search` ranked as the pane ranks it (relevance), plus the first `limit` accounts and
        `limit` contacts with the fields that matched: for the CLI and the quick switcher."""
        ranked = (bq.RELEVANCE, False)
        found = self.search(text, BookFilters(), ranked, ranked)
        with self._uow() as uow:
            hits = (bq.search_hits(uow, "account", found.accounts[:limit], found.query)
                    + bq.search_hits(uow, "contact", (found.contacts or [])[:limit], found.query))
        return found, hits

    def account_rows(self, rowids: Sequence[int]) -> dict[int, AccountRow]:
        with self._uow() as uow:
            return bq.account_rows(uow, rowids)

    def contact_rows(self, rowids: Sequence[int]) -> dict[int, ContactRow]:
        with self._uow() as uow:
            return bq.contact_rows(uow, rowids)

    def filter_options(self) -> FilterOptions:
        with self._uow() as uow:
            return bq.filter_options(uow)

    def rowid_of(self, table: str, record_id: uuid.UUID) -> int | None:
        with self._uow() as uow:
            return bq.rowid_of(uow, table, record_id)

    def best_contact(self, account_id: uuid.UUID) -> uuid.UUID | None:
        """Whom to call at an account: the contact with the earliest open call task, else the
        first live contact by name. None when the account has nobody."""
        with self._uow() as uow:
            tasked = uow.session.scalar(
                select(m.Task.contact_id).join(m.Contact, m.Contact.id == m.Task.contact_id)
                .where(m.Contact.account_id == account_id, m.Contact.deleted_at.is_(None),
                       m.Task.deleted_at.is_(None), m.Task.status == "open", m.Task.channel == "call")
                .order_by(m.Task.due_at).limit(1))
            if tasked is not None:
                return tasked
            return uow.session.scalar(
                select(m.Contact.id).where(m.Contact.account_id == account_id, m.Contact.deleted_at.is_(None))
                .order_by(m.Contact.last_name, m.Contact.first_name).limit(1))

    def close(self) -> None:
        with self._lock:
            if self._cache is not None:
                self._cache.close()
            self._cache, self._cache_tried = None, True
