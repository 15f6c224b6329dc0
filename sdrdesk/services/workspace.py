"""The open book as services see it: file, unit-of-work factory, clock. No Qt."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sdrdesk.domain.clock import Clock
from sdrdesk.storage.engine import Book, open_book
from sdrdesk.storage.unit_of_work import UowFactory, uow_factory_for


@dataclass
class Workspace:
    book: Book
    uow_factory: UowFactory
    clock: Clock
    is_demo: bool = False

    @property
    def path(self) -> Path:
        return self.book.path

    @property
    def read_only(self) -> bool:
        return self.book.read_only

    def close(self) -> None:
        self.book.close()


def open_workspace(path: Path, clock: Clock, *, read_only: bool = False, is_demo: bool = False,
                   backup_dir: Path | None = None) -> Workspace:
    book = open_book(path, read_only=read_only, backup_dir=backup_dir)
    return Workspace(book=book, uow_factory=uow_factory_for(book.session_factory), clock=clock,
                     is_demo=is_demo)
