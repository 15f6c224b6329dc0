"""Where the user's data lives: platformdirs defaults, `--data`, or `SDRDESK_DATA`."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import platformdirs

APP_NAME = "sdrdesk"
APP_AUTHOR = "sdrdesk"
ENV_DATA = "SDRDESK_DATA"
BOOK_SUFFIXES = (".db", ".sqlite", ".sdrdesk-book")
DEFAULT_BOOK_NAME = "book.db"
DEMO_BOOK_NAME = "demo.db"


@dataclass(frozen=True)
class DataPaths:
    data_dir: Path
    book: Path  # the book opened when nothing else is asked for
    backups: Path
    logs: Path
    exports: Path

    @property
    def demo_book(self) -> Path:
        return self.data_dir / DEMO_BOOK_NAME


def resolve_data_paths(data_arg: str | None = None, env: dict[str, str] | None = None) -> DataPaths:
    """`--data` wins over `SDRDESK_DATA`, which wins over the per-user data folder.

    The value may name a folder (the book is `book.db` inside) or a book file itself.
    """
    environ = os.environ if env is None else env
    chosen = data_arg or environ.get(ENV_DATA) or None
    if chosen:
        target = Path(chosen).expanduser()
        if target.suffix.lower() in BOOK_SUFFIXES or target.is_file():
            data_dir, book = target.parent, target
        else:
            data_dir, book = target, target / DEFAULT_BOOK_NAME
        logs = data_dir / "logs"
    else:
        data_dir = Path(platformdirs.user_data_dir(APP_NAME, APP_AUTHOR))
        book = data_dir / DEFAULT_BOOK_NAME
        logs = Path(platformdirs.user_log_dir(APP_NAME, APP_AUTHOR))
    return DataPaths(
        data_dir=data_dir,
        book=book,
        backups=data_dir / "backups",
        logs=logs,
        exports=data_dir / "exports",
    )
