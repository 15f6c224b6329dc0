"""The paged id model: refetching keeps rows on screen until fresh ones arrive."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from typing import Any

from PySide6.QtCore import Qt

from sdrdesk.ui.models.paged_table import ColumnSpec, PagedTableModel


class HeldRunner:
    """Runs background jobs only when the test says so."""

    pending = 0

    def __init__(self) -> None:
        self.jobs: list[tuple[Callable[[], Any], Callable[[Any], None] | None]] = []

    def run(self, fn, on_done=None, on_error=None, *, serial_db=True, progress=None,  # type: ignore[no-untyped-def]
            cancel=None) -> None:
        self.jobs.append((fn, on_done))

    def release(self) -> None:
        jobs, self.jobs = self.jobs, []
        for fn, on_done in jobs:
            result = fn()
            if on_done is not None:
                on_done(result)


def test_refetch_keeps_old_rows_until_fresh_ones_land(qtbot) -> None:  # type: ignore[no-untyped-def]
    version = {"n": 1}

    def fetch(ids: Sequence[Hashable]) -> dict[Hashable, str]:
        return {i: f"row {i} v{version['n']}" for i in ids}

    runner = HeldRunner()
    model: PagedTableModel[str] = PagedTableModel([ColumnSpec("t", "T", lambda r: r)], fetch,
                                                  runner=runner, page_size=10)
    model.set_ids(list(range(25)))
    model.preload(fetch(range(10)))  # the first page arrived with the ids
    cell = lambda row: model.data(model.index(row, 0), Qt.ItemDataRole.DisplayRole)  # noqa: E731
    assert cell(0) == "row 0 v1"
    assert cell(15) == model.PLACEHOLDER  # not loaded: asks the runner, never blocks
    qtbot.waitUntil(lambda: bool(runner.jobs))
    runner.release()
    assert cell(15) == "row 15 v1"

    version["n"] = 2
    model.refetch()
    qtbot.waitUntil(lambda: bool(runner.jobs))
    assert cell(0) == "row 0 v1" and cell(15) == "row 15 v1"  # still shown, no "…" flicker
    with qtbot.waitSignal(model.dataChanged):
        runner.release()
    assert cell(0) == "row 0 v2" and cell(15) == "row 15 v2"
