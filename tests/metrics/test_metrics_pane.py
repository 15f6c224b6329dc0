"""The Metrics pane on the known book, its charts in both themes, and the exports (CSV, PDF)."""

from __future__ import annotations

import csv
import shutil
import subprocess
import zlib
from datetime import date
from pathlib import Path

import pytest

from PySide6.QtCore import QEvent, QPointF, QSize
from PySide6.QtGui import QFont, QHelpEvent, QImage
from PySide6.QtWidgets import QApplication, QToolTip

from sdrdesk.domain.metrics import Dimension, PeriodKind
from sdrdesk.services.metrics_export import ReviewBundle, write_review_csv
from sdrdesk.storage.engine import open_book
from sdrdesk.storage.unit_of_work import uow_factory_for
from sdrdesk.ui import settings as S
from sdrdesk.ui.metrics_charts import activity_chart, funnel_chart, source_chart, write_review_pdf
from sdrdesk.ui.prompter import ScriptedPrompter
from sdrdesk.ui.theme import palette_for
from sdrdesk.ui.widgets.bar_chart import BarChart, chart_from_rows, render_image
from tests.metrics.helpers import ZONE, make_known_book
from tests.ui.conftest import open_and_wait


@pytest.fixture
def known_path(tmp_path: Path) -> Path:
    path = tmp_path / "known.db"
    book = open_book(path)
    make_known_book(uow_factory_for(book.session_factory))
    book.close()
    return path


def _open(make_app, qtbot, known_path: Path, prompter: ScriptedPrompter | None = None):  # type: ignore[no-untyped-def]
    parts = make_app(prompter=prompter)
    parts.ctx.settings.set(S.REP_TIMEZONE, ZONE)
    parts.window.show()
    qtbot.waitExposed(parts.window)
    parts.window.apply_layout("Coaching")
    open_and_wait(qtbot, parts, known_path)
    pane = parts.window.panes["pane.metrics"]
    assert pane.isVisible()  # the Coaching layout shows Metrics
    return parts, pane


def test_tiles_review_and_onboarding_show_the_known_numbers(make_app, qtbot, known_path) -> None:  # type: ignore[no-untyped-def]
    _parts, pane = _open(make_app, qtbot, known_path)
    pane.set_period(PeriodKind.THIS_WEEK)
    qtbot.waitUntil(lambda: pane.report is not None and pane.report.period.kind is PeriodKind.THIS_WEEK,
                    timeout=10_000)
    tiles = pane.tiles.tiles
    assert tiles["calls"].value.text() == "4"
    assert tiles["connect_rate"].value.text() == "50.0 %"
    assert tiles["no_show_rate"].value.text() == "25.0 %"
    assert tiles["opportunity_value"].value.text() == "USD 24,000"
    assert "a person answered" in tiles["connects"].toolTip()
    assert "On pace for 16 of 18 meetings" in pane.pace_label.text()
    assert pane.funnel_table.rowCount() == 6 and pane.funnel_table.cell(1, 1) == "2"
    assert pane.activity_table.rowCount() == 7 and pane.activity_table.cell(0, 1) == "2"

    pane.set_period(PeriodKind.CUSTOM, date(2026, 1, 1), date(2026, 1, 31))
    qtbot.waitUntil(lambda: pane.report is not None and pane.report.period.first == date(2026, 1, 1),
                    timeout=10_000)
    assert tiles["connect_rate"].value.text() == "-" and tiles["calls"].value.text() == "0"

    pane.set_period(PeriodKind.CUSTOM, date(2026, 2, 1), date(2026, 3, 31))
    pane.tabs.setCurrentIndex(1)
    qtbot.waitUntil(lambda: pane.review is not None, timeout=10_000)
    model = pane.review_table
    assert model.rowCount() == 2  # Webinar and the total
    assert [model.cell(0, c) for c in range(2, 5)] == ["2", "2", "2"]
    assert model.cell(1, 1) == "Total"
    pane.dimension_box.setCurrentIndex(pane.dimension_box.findData(Dimension.PERSONA.value))
    qtbot.waitUntil(lambda: pane.review.dimension is Dimension.PERSONA, timeout=10_000)
    assert {model.cell(0, 1), model.cell(1, 1)} == {"economic buyer", "champion"}

    pane.start_edit.setDate(date(2026, 3, 2))
    pane.tabs.setCurrentIndex(2)
    qtbot.waitUntil(lambda: pane.onboarding is not None and pane.onboarding.start == date(2026, 3, 2),
                    timeout=10_000)
    assert pane.ramp_table.rowCount() == 2
    assert pane.ramp_table.cell(1, 0).endswith("(so far)")


def test_export_buttons_write_csv_and_pdf(make_app, qtbot, known_path, tmp_path) -> None:  # type: ignore[no-untyped-def]
    prompter = ScriptedPrompter(tmp_path / "r.csv", tmp_path / "r.pdf")
    _parts, pane = _open(make_app, qtbot, known_path, prompter)
    pane.set_period(PeriodKind.THIS_MONTH)
    pane.export_csv()
    qtbot.waitUntil(lambda: (tmp_path / "r.csv").exists(), timeout=10_000)
    pane.export_pdf()
    qtbot.waitUntil(lambda: (tmp_path / "r.pdf").exists(), timeout=15_000)
    assert (tmp_path / "r.pdf").read_bytes().startswith(b"%PDF")
    rows = list(csv.reader((tmp_path / "r.csv").open(encoding="utf-8-sig")))
    calls = next(r for r in rows if r[:2] == ["metrics", "Calls"])
    assert calls[2:4] == ["5", "5"]  # 4 this week + 1 on Sunday 8 March
    assert any(r[:2] == ["review by source", "Webinar"] for r in rows)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_charts_render_readably_in_both_themes(qtbot, scheme: str) -> None:  # type: ignore[no-untyped-def]
    palette = palette_for(scheme)
    chart = BarChart("test.chart")
    chart.setPalette(palette)
    qtbot.addWidget(chart)
    chart.resize(420, 240)
    chart.set_data(chart_from_rows("Calls per day", ["Mon", "Tue", "Wed"],
                                   {"Calls": [3, 7, 0], "E-mails": [1, 2, 5]}, stacked=True))
    chart.show()
    qtbot.waitExposed(chart)
    image = chart.grab().toImage()
    colours = {image.pixel(x, y) for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)}
    assert len(colours) > 4  # background, text, grid and two series: not empty, not one colour
    background = palette.color(palette.ColorRole.Base)
    assert QImage(image).pixelColor(2, 2) == background
    assert len(chart.bars) == 3
    rect, _tip = chart.bars[1]
    tip = chart.tooltip_at(rect.center())
    assert tip == "Tue\nCalls: 7\nE-mails: 2"
    assert chart.tooltip_at(QPointF(-5, -5)) == ""
    point = rect.center().toPoint()
    QApplication.sendEvent(chart, QHelpEvent(QEvent.Type.ToolTip, point, chart.mapToGlobal(point)))
    qtbot.waitUntil(lambda: QToolTip.isVisible() and QToolTip.text() == tip, timeout=3000)
    QToolTip.hideText()
    img = render_image(chart.data, QSize(300, 200), palette, QFont())
    assert not img.isNull()
    assert len({img.pixel(x, y) for x in range(0, img.width(), 4) for y in range(0, img.height(), 4)}) > 4


def _pdf_text(path: Path) -> str:
    """The PDF's text: pdftotext when installed, else read back from the file itself."""
    if shutil.which("pdftotext"):
        return subprocess.run(["pdftotext", "-layout", str(path), "-"], capture_output=True,
                              text=True, check=True).stdout
    return _pdf_text_fallback(path.read_bytes())


def _pdf_text_fallback(data: bytes) -> str:
    """Glyphs of every `Tj`/`TJ`, decoded through each font's ToUnicode map (Qt's PDFs).

    Qt places words by position rather than space glyphs, so the text comes back without
    spaces; `_squash` compares both sides that way.
    """
    import re

    objs = {int(n): body for n, body in re.findall(rb"(\d+) 0 obj(.*?)endobj", data, re.S)}

    def stream(body: bytes) -> bytes:
        m = re.search(rb"stream\r?\n", body)
        if m is None:
            return b""
        raw = body[m.end():]
        return zlib.decompressobj().decompress(raw) if b"/FlateDecode" in body[:m.start()] else raw

    def cmap(text: bytes) -> dict[int, str]:
        out: dict[int, str] = {}
        for block in re.findall(rb"beginbfchar(.*?)endbfchar", text, re.S):
            for src, dst in re.findall(rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>", block):
                out[int(src, 16)] = bytes.fromhex(dst.decode()).decode("utf-16-be", "replace")
        for block in re.findall(rb"beginbfrange(.*?)endbfrange", text, re.S):
            pattern = rb"<([0-9a-fA-F]+)>\s*<([0-9a-fA-F]+)>\s*(?:<([0-9a-fA-F]+)>|\[([^\]]*)\])"
            for lo, hi, dst, listed in re.findall(pattern, block):
                codes = range(int(lo, 16), int(hi, 16) + 1)
                if dst:  # consecutive code points
                    out.update({code: chr(int(dst, 16) + i) for i, code in enumerate(codes)})
                else:  # one destination per code
                    targets = re.findall(rb"<([0-9a-fA-F]+)>", listed)
                    out.update({code: bytes.fromhex(t.decode()).decode("utf-16-be", "replace")
                                for code, t in zip(codes, targets, strict=False)})
        return out

    fonts: dict[bytes, dict[int, str]] = {}
    for body in objs.values():
        for name, ref in re.findall(rb"/(F\d+)\s+(\d+) 0 R", body):
            font = objs.get(int(ref), b"")
            to_unicode = re.search(rb"/ToUnicode (\d+) 0 R", font)
            if to_unicode:
                fonts[name] = cmap(stream(objs.get(int(to_unicode.group(1)), b"")))
    words: list[str] = []
    for body in objs.values():
        content = stream(body)
        if b"Tj" not in content and b"TJ" not in content:
            continue
        current: dict[int, str] = {}
        for token in re.finditer(rb"/(F\d+)\s+[\d.]+\s+Tf|<([0-9a-fA-F]+)>\s*Tj|\[([^\]]*)\]\s*TJ", content):
            if token.group(1):
                current = fonts.get(token.group(1), {})
                continue
            shown = [token.group(2)] if token.group(2) else re.findall(rb"<([0-9a-fA-F]+)>", token.group(3))
            for h in shown:
                hexes = h.decode()
                words.append("".join(current.get(int(hexes[i:i + 4], 16), "?")
                                     for i in range(0, len(hexes), 4)))
    return "".join(words)


def _squash(text: str) -> str:
    return "".join(text.split())


def test_pdf_has_the_review_tables_and_charts(qtbot, uow_factory, tmp_path) -> None:  # type: ignore[no-untyped-def]
    from sdrdesk.domain.clock import FakeClock
    from sdrdesk.services.metrics import MetricsService
    from tests.metrics.helpers import NOW

    make_known_book(uow_factory)
    svc = MetricsService(uow_factory, FakeClock(NOW))
    period = svc.period(PeriodKind.CUSTOM, ZONE, date(2026, 2, 1), date(2026, 3, 31))
    bundle = ReviewBundle("Monthly review", svc.report(period, 18), svc.reviews(period))
    assert QApplication.instance() is not None
    pdf = write_review_pdf(bundle, tmp_path / "review.pdf")
    text = _squash(_pdf_text(pdf))
    fallback = _squash(_pdf_text_fallback(pdf.read_bytes()))  # the reader used without poppler
    for needle in ("Monthly review", "Review by source label", "Review by industry",
                   "Review by persona", "Activity per day", "Funnel", "Webinar", "Software",
                   "economic buyer", "USD 24,000", "50.0 %"):
        assert _squash(needle) in text and _squash(needle) in fallback, needle
    assert pdf.read_bytes().count(b"/Subtype /Image") >= 3  # the three charts
    csv_path = write_review_csv(bundle, tmp_path / "review.csv")
    assert "Webinar" in csv_path.read_text(encoding="utf-8-sig")
    assert activity_chart(bundle.report).categories[0] == "01 Feb"
    assert funnel_chart(bundle.report).series[0].values[0] == 5
    assert source_chart(bundle.reviews[Dimension.SOURCE]).categories == ("Webinar",)


def test_metrics_preferences_are_saved(make_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    dialog = parts.window.show_preferences()
    qtbot.addWidget(dialog)
    dialog.rep_zone.setCurrentIndex(dialog.rep_zone.findData("Europe/Berlin"))
    dialog.meeting_goal.setValue(22)
    dialog.ramp_calls.setText("100, 200")
    dialog.ramp_meetings.setText("1, 2, 3")
    dialog.save()
    settings = parts.ctx.settings
    assert settings.get(S.REP_TIMEZONE) == "Europe/Berlin"
    assert settings.get(S.MONTHLY_MEETING_GOAL) == 22
    assert (settings.get(S.RAMP_CALLS_GOALS), settings.get(S.RAMP_MEETINGS_GOALS)) == ("100, 200", "1, 2, 3")
    dialog = parts.window.show_preferences()
    qtbot.addWidget(dialog)
    dialog.rep_zone.setEditText("Not/AZone")
    dialog.save()
    assert settings.get(S.REP_TIMEZONE) == ""  # unknown: follow the system


def test_help_menu_opens_the_definitions(make_app, qtbot) -> None:  # type: ignore[no-untyped-def]
    parts = make_app()
    parts.window.show()
    qtbot.waitExposed(parts.window)
    assert not parts.window.docks["pane.metrics"].isVisible()  # hidden in the Calling layout
    action = next(a for a in parts.window.help_menu.actions() if "Metrics definitions" in a.text())
    action.trigger()
    pane = parts.window.panes["pane.metrics"]
    assert parts.window.docks["pane.metrics"].isVisible()
    assert pane.tabs.currentWidget() is pane.definitions
    assert "A call where a person answered" in pane.definitions.toPlainText()
