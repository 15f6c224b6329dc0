"""Metrics tests run at the known book's "now" (Wednesday 11 March 2026, noon in New York)."""

from __future__ import annotations

import pytest

from sdrdesk.domain.clock import FakeClock
from tests.metrics.helpers import NOW
from tests.ui.conftest import make_app  # noqa: F401 - the wired-app fixture


@pytest.fixture
def fake_clock() -> FakeClock:
    return FakeClock(NOW)
