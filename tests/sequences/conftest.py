"""Sequence tests use the UI fixtures (a wired app per test)."""

from tests.ui.conftest import make_app  # noqa: F401
