"""Consistent copies of a book through SQLite's online backup API (safe while it is open)."""

from __future__ import annotations

import sqlite3
from datetime import UTC, datetime
from pathlib import Path


def backup_copy(source: Path, target_dir: Path, *, reason: str) -> Path:
    """Copy `source` into `target_dir` and return the copy's path."""
    target_dir.mkdir(parents=True, exist_ok=True)
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S%fZ")
    target = target_dir / f"{source.stem}-{stamp}-{reason}.db"
    src = sqlite3.connect(f"{source.resolve().as_uri()}?mode=ro", uri=True)
    try:
        dst = sqlite3.connect(target)
        try:
            src.backup(dst)
        finally:
            dst.close()
    finally:
        src.close()
    return target


def rolling_backup(source: Path, target_dir: Path, *, keep: int = 7) -> Path:
    """Take a backup and keep only the newest `keep` rolling ones."""
    copy = backup_copy(source, target_dir, reason="rolling")
    rolling = sorted(target_dir.glob(f"{source.stem}-*-rolling.db"))
    for old in rolling[:-keep]:
        old.unlink(missing_ok=True)
    return copy
