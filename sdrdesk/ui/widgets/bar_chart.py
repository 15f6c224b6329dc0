"""A bar chart drawn with QPainter (PySide6-Essentials has no charts module).

Vertical (categories along the bottom, e.g. activity per day) or horizontal (categories down
the side, e.g. the funnel or the source comparison), grouped or stacked series, colours taken
from the palette so it reads in light and dark themes, and a tooltip on every bar.
The same drawing renders into a QImage for the PDF export (`render_image`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QHelpEvent, QImage, QPainter, QPalette, QPen
from PySide6.QtWidgets import QSizePolicy, QToolTip, QWidget

# Series colours per scheme: distinct, readable on the window colour, colour-blind friendly-ish.
_LIGHT = ("#2f6fd6", "#2e9e6a", "#e0892f", "#8e5bd6", "#c2456b")
_DARK = ("#7aa7f2", "#5cc593", "#f2ab62", "#b893f2", "#ee7d9f")


def is_dark(palette: QPalette) -> bool:
    return palette.color(QPalette.ColorRole.Window).lightness() < 128


def series_colors(palette: QPalette) -> tuple[QColor, ...]:
    return tuple(QColor(c) for c in (_DARK if is_dark(palette) else _LIGHT))


@dataclass(frozen=True)
class Series:
    name: str
    values: tuple[float, ...]


@dataclass(frozen=True)
class ChartData:
    title: str
    categories: tuple[str, ...]
    series: tuple[Series, ...]
    stacked: bool = False
    horizontal: bool = False

    @property
    def empty(self) -> bool:
        return not self.categories or not any(any(s.values) for s in self.series)


def _fmt(value: float) -> str:
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.1f}"


class BarChart(QWidget):
    def __init__(self, object_name: str, parent: QWidget | None = None,
                 value_format: Callable[[float], str] = _fmt) -> None:
        super().__init__(parent)
        self.setObjectName(object_name)
        self.setMouseTracking(True)
        self.setMinimumSize(220, 160)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self._data = ChartData("", (), ())
        self._format = value_format
        self.bars: list[tuple[QRectF, str]] = []  # where each bar was drawn, and its tooltip

    def sizeHint(self) -> QSize:
        return QSize(420, 240)

    def set_data(self, data: ChartData) -> None:
        self._data = data
        self.setAccessibleName(data.title)
        self.update()

    @property
    def data(self) -> ChartData:
        return self._data

    def paintEvent(self, _event: object) -> None:
        painter = QPainter(self)
        try:
            self.bars = paint_chart(painter, QRectF(self.rect()), self._data, self.palette(),
                                    self.font(), self._format)
        finally:
            painter.end()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip:
            assert isinstance(event, QHelpEvent)
            text = self.tooltip_at(QPointF(event.pos()))
            if text:
                QToolTip.showText(event.globalPos(), text, self)
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().event(event)

    def tooltip_at(self, pos: QPointF) -> str:
        for rect, text in self.bars:
            if rect.adjusted(-1, -1, 1, 1).contains(pos):
                return text
        return ""


def render_image(data: ChartData, size: QSize, palette: QPalette, font: QFont,
                 value_format: Callable[[float], str] = _fmt, scale: float = 2.0) -> QImage:
    """The chart as an image (for the PDF), drawn by the same code as the widget."""
    image = QImage(int(size.width() * scale), int(size.height() * scale),
                   QImage.Format.Format_ARGB32)
    image.setDevicePixelRatio(scale)
    image.fill(palette.color(QPalette.ColorRole.Base))
    painter = QPainter(image)
    try:
        paint_chart(painter, QRectF(0, 0, size.width(), size.height()), data, palette, font,
                    value_format, background=QPalette.ColorRole.Base)
    finally:
        painter.end()
    return image


def paint_chart(painter: QPainter, rect: QRectF, data: ChartData, palette: QPalette, font: QFont,
                value_format: Callable[[float], str] = _fmt,
                background: QPalette.ColorRole = QPalette.ColorRole.Base) -> list[tuple[QRectF, str]]:
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.fillRect(rect, palette.color(background))
    text = palette.color(QPalette.ColorRole.Text)
    muted = palette.color(QPalette.ColorRole.PlaceholderText)
    grid = palette.color(QPalette.ColorRole.Mid)
    colors = series_colors(palette)
    painter.setFont(font)
    fm = QFontMetricsF(font)
    line = fm.height()
    area = rect.adjusted(8, 6, -8, -6)

    # title and legend
    painter.setPen(text)
    bold = QFont(font)
    bold.setBold(True)
    painter.setFont(bold)
    painter.drawText(QRectF(area.left(), area.top(), area.width(), line),
                     Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, data.title)
    painter.setFont(font)
    x = area.right()
    for i in reversed(range(len(data.series) if len(data.series) > 1 else 0)):
        name = data.series[i].name
        w = fm.horizontalAdvance(name)
        x -= w
        painter.setPen(text)
        painter.drawText(QRectF(x, area.top(), w + 2, line), Qt.AlignmentFlag.AlignVCenter, name)
        x -= line * 0.8
        swatch = QRectF(x, area.top() + line * 0.25, line * 0.55, line * 0.55)
        painter.fillRect(swatch, colors[i % len(colors)])
        x -= line * 0.7
    area.setTop(area.top() + line * 1.5)
    if data.empty:
        painter.setPen(muted)
        painter.drawText(area, Qt.AlignmentFlag.AlignCenter, "Nothing in this period")
        return []

    n = len(data.categories)
    k = len(data.series)
    if data.stacked:
        peak = max(sum(s.values[i] for s in data.series) for i in range(n))
    else:
        peak = max(max(s.values) for s in data.series)
    peak = _nice(peak)
    bars: list[tuple[QRectF, str]] = []

    def tip(ci: int, si: int) -> str:
        label = data.categories[ci]
        if k == 1:
            return f"{label}: {value_format(data.series[0].values[ci])} {data.series[0].name.lower()}"
        parts = [f"{s.name}: {value_format(s.values[ci])}" for s in data.series]
        return f"{label}\n" + "\n".join(parts)

    if data.horizontal:
        label_w = min(area.width() * 0.38, max(fm.horizontalAdvance(c) for c in data.categories) + 8)
        value_w = fm.horizontalAdvance(value_format(peak)) + 8
        plot = QRectF(area.left() + label_w, area.top(), area.width() - label_w - value_w, area.height())
        band = plot.height() / n
        for ci, cat in enumerate(data.categories):
            y = plot.top() + ci * band
            painter.setPen(text)
            shown = fm.elidedText(cat, Qt.TextElideMode.ElideRight, label_w - 6)
            painter.drawText(QRectF(area.left(), y, label_w - 6, band),
                             Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, shown)
            inner = band * 0.72
            top = y + (band - inner) / 2
            start = plot.left()
            for si, s in enumerate(data.series):
                v = s.values[ci]
                w = plot.width() * (v / peak) if peak else 0
                if data.stacked:
                    r = QRectF(start, top, w, inner)
                    start += w
                else:
                    h = inner / k
                    r = QRectF(plot.left(), top + si * h, w, h * 0.9)
                painter.fillRect(r, colors[si % len(colors)])
                bars.append((QRectF(r.left(), r.top(), max(r.width(), 3), r.height()), tip(ci, si)))
            total = sum(s.values[ci] for s in data.series) if data.stacked else max(
                s.values[ci] for s in data.series)
            painter.setPen(muted)
            end = plot.left() + plot.width() * (total / peak if peak else 0)
            painter.drawText(QRectF(end + 4, y, value_w + 40, band), Qt.AlignmentFlag.AlignVCenter,
                             value_format(total))
        return bars

    # vertical bars: axis on the left, categories along the bottom
    steps = _steps(peak)
    ticks = [value_format(peak * step / steps) for step in range(steps + 1)]
    axis_w = max(fm.horizontalAdvance(t) for t in ticks) + 8
    plot = QRectF(area.left() + axis_w, area.top(), area.width() - axis_w, area.height() - line * 1.4)
    for step in range(steps + 1):
        y = plot.bottom() - plot.height() * step / steps
        painter.setPen(QPen(grid, 1, Qt.PenStyle.DotLine if step else Qt.PenStyle.SolidLine))
        painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
        painter.setPen(muted)
        painter.drawText(QRectF(area.left(), y - line / 2, axis_w - 4, line),
                         Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter, ticks[step])
    band = plot.width() / n
    label_every = max(1, int((fm.horizontalAdvance(max(data.categories, key=len)) + 10) // band) + 1)
    for ci, cat in enumerate(data.categories):
        x0 = plot.left() + ci * band
        inner = band * 0.78
        left = x0 + (band - inner) / 2
        base = plot.bottom()
        for si, s in enumerate(data.series):
            v = s.values[ci]
            h = plot.height() * (v / peak) if peak else 0
            if data.stacked:
                r = QRectF(left, base - h, inner, h)
                base -= h
            else:
                w = inner / k
                r = QRectF(left + si * w, plot.bottom() - h, w * 0.92, h)
            painter.fillRect(r, colors[si % len(colors)])
        # one hit area per category, the full column, so thin bars still have a tooltip
        bars.append((QRectF(x0, plot.top(), band, plot.height()), tip(ci, 0)))
        if ci % label_every == 0:
            painter.setPen(muted)
            painter.drawText(QRectF(x0 - band * label_every / 2 + band / 2, plot.bottom() + 2,
                                    band * label_every, line),
                             Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop, cat)
    return bars


def _steps(peak: float) -> int:
    """Grid steps that give round tick labels for a `_nice` maximum (20 -> 4 x 5, 50 -> 5 x 10)."""
    mantissa = peak / 10 ** (len(str(int(peak))) - 1) if peak >= 1 else peak * 10
    return 4 if round(mantissa, 3) in (2.0, 20.0) else 5


def _nice(value: float) -> float:
    """A round axis maximum at or above `value` (1, 2, 2.5, 5 x 10^n)."""
    if value <= 5:
        return 5.0  # counts: whole-number ticks
    magnitude = 10 ** (len(str(int(value))) - 1)
    for step in (1, 2, 2.5, 5, 10):
        if value <= step * magnitude:
            return float(step * magnitude)
    return float(10 * magnitude)


def chart_from_rows(title: str, categories: Sequence[str], series: dict[str, Sequence[float]], *,
                    stacked: bool = False, horizontal: bool = False) -> ChartData:
    return ChartData(title, tuple(categories),
                     tuple(Series(name, tuple(float(v) for v in values)) for name, values in series.items()),
                     stacked, horizontal)
