from __future__ import annotations

from pathlib import Path

import pytest

from sdrdesk.domain.clock import FakeClock
from tests.repfile.helpers import T0, Device
from tests.ui.conftest import make_app  # noqa: F401  (the wired-app fixture, for the UI tests here)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


@pytest.fixture
def devices(tmp_path: Path, clock: FakeClock):  # type: ignore[no-untyped-def]
    def make(name: str) -> Device:
        return Device(tmp_path / name, name, clock)

    return make
