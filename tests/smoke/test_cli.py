"""The real entry point, started as a user would: `python -m sdrdesk ...` in a subprocess."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from sdrdesk import __version__

pytestmark = pytest.mark.smoke

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


def run_sdrdesk(*args: str, env_extra: dict[str, str] | None = None,
                timeout: int = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen",
           "PYTHON_KEYRING_BACKEND": "keyring.backends.null.Keyring", **(env_extra or {})}
    return subprocess.run([sys.executable, "-m", "sdrdesk", *args], capture_output=True,
                          text=True, timeout=timeout, env=env, check=False)


def test_version() -> None:
    result = run_sdrdesk("--version")
    assert result.returncode == 0
    assert result.stdout.strip() == f"sdrdesk {__version__}"


def test_screenshot_writes_a_png_of_the_demo_book(tmp_path: Path) -> None:
    out = tmp_path / "shot.png"
    result = run_sdrdesk("--data", str(tmp_path / "data"), "--settings", str(tmp_path / "s.ini"),
                         "--screenshot", str(out))
    assert result.returncode == 0, result.stderr
    data = out.read_bytes()
    assert data.startswith(PNG_MAGIC) and len(data) > 20_000
    width = int.from_bytes(data[16:20], "big")
    height = int.from_bytes(data[20:24], "big")
    assert width >= 800 and height >= 500
    assert (tmp_path / "data" / "demo.db").exists()  # first start made the demo book


def test_screenshot_of_a_refused_book_fails_cleanly(tmp_path: Path) -> None:
    bogus = tmp_path / "bogus.db"
    bogus.write_text("hello")
    result = run_sdrdesk("--data", str(bogus), "--settings", str(tmp_path / "s.ini"),
                         "--screenshot", str(tmp_path / "x.png"))
    assert result.returncode != 0
    # It quit on the refusal itself, not by waiting out the settle timeout.
    assert "taken before the book loaded" not in result.stderr
    assert bogus.read_text() == "hello"


def test_self_test_passes() -> None:
    result = run_sdrdesk("--self-test")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "self-test passed" in result.stdout
    for check in ("database", "phone time zones", "keychain", "window"):
        assert f"[ok] {check}" in result.stdout


def test_generate_writes_a_book_of_the_asked_size(tmp_path: Path) -> None:
    out = tmp_path / "scale.db"
    result = run_sdrdesk("generate", str(out), "--accounts", "50", "--contacts", "150",
                         "--activities", "400")
    assert result.returncode == 0, result.stderr
    conn = sqlite3.connect(out)
    counts = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
              for t in ("accounts", "contacts", "activities")]
    conn.close()
    assert counts == [50, 150, 400]
    again = run_sdrdesk("generate", str(out), "--accounts", "5")
    assert again.returncode == 2 and "already exists" in again.stderr
