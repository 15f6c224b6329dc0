from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    return tmp_path / "reports"


@pytest.fixture
def make_book(tmp_path: Path) -> Iterator:  # type: ignore[type-arg]
    """Open extra books (e.g. a copy of the demo book); closed at the end of the test."""
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
