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
