from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.crm.helpers import WorkedDay, make_book, work_a_day


@pytest.fixture
def worked_day(tmp_path: Path) -> Iterator[WorkedDay]:
    ws, clock = make_book(tmp_path / "book.db")
    day = work_a_day(ws, clock)
    yield day
    ws.close()


@pytest.fixture
def extra_book(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    """Open extra books; closed at the end of the test."""
    from sdrdesk.storage.engine import open_book
    from sdrdesk.storage.unit_of_work import uow_factory_for

    opened = []

    def make(path: Path):  # type: ignore[no-untyped-def]
        book = open_book(path)
        opened.append(book)
        return book, uow_factory_for(book.session_factory)

    yield make
    for book in opened:
        book.close()
