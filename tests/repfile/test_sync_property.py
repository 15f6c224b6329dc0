"""Two books with random edit histories, synced both ways, end equal and lose nothing."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sdrdesk.domain.clock import FakeClock
from tests.repfile.helpers import T0, Device, synced_rows

OPS = st.lists(
    st.tuples(
        st.sampled_from("ab"), st.sampled_from(["add", "edit", "edit", "delete", "sync"]), st.integers(0, 7)
    ),
    max_size=14,
)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(OPS)
def test_two_books_syncing_both_ways_converge_and_keep_the_newest(ops) -> None:  # type: ignore[no-untyped-def]
    with tempfile.TemporaryDirectory() as tmp:
        clock = FakeClock(T0)
        books = {"a": Device(Path(tmp) / "a", "a", clock), "b": Device(Path(tmp) / "b", "b", clock)}
        other = {"a": "b", "b": "a"}
        known: dict[str, list[str]] = {"a": [], "b": []}  # records each book holds
        newest: dict[str, tuple[str, str, object]] = {}  # id -> (updated_at, device, notes/deleted)
        for n, (who, action, pick) in enumerate(ops):
            book = books[who]
            if action == "add" or (action != "sync" and not known[who]):
                rid = book.add_account(f"Co {n}", notes=f"{who}{n}")
                known[who].append(rid)
                newest[rid] = (book.row("accounts", rid)["updated_at"], who, f"{who}{n}")
            elif action == "edit":
                rid = known[who][pick % len(known[who])]
                book.edit("accounts", rid, notes=f"{who}{n}")
                row = book.row("accounts", rid)
                newest[rid] = (row["updated_at"], who, "deleted" if row["deleted_at"] else f"{who}{n}")
            elif action == "delete":
                rid = known[who][pick % len(known[who])]
                book.delete("accounts", rid)
                newest[rid] = (book.row("accounts", rid)["updated_at"], who, "deleted")
            else:
                target = books[other[who]]
                target.import_(book.export())
                known[other[who]] = sorted(set(known[other[who]]) | set(known[who]))
        books["b"].import_(books["a"].export())
        books["a"].import_(books["b"].export())
        assert synced_rows(books["a"].path) == synced_rows(books["b"].path)
        for rid, (_at, _who, last) in newest.items():
            row = books["a"].row("accounts", rid)
            assert row is not None, "a record was lost"
            if last == "deleted":
                assert row["deleted_at"] is not None
            else:
                assert row["deleted_at"] is None and row["notes"] == last
