from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def report_dir(tmp_path: Path) -> Path:
    return tmp_path / "reports"


@pytest.fixture
def make_book(extra_book):  # type: ignore[no-untyped-def]
    """The importer tests' name for tests/conftest.py's `extra_book`."""
    return extra_book
