"""Metric tiles: a big number, its label, and the metric's definition as the tooltip."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget

from sdrdesk.services.metrics import MetricValue


class MetricTile(QFrame):
    def __init__(self, key: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName(f"metrics.tile.{key}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.value = QLabel("–", self)
        font = QFont(self.value.font())
        font.setPointSizeF(font.pointSizeF() * 1.6)
        font.setBold(True)
        self.value.setFont(font)
        self.caption = QLabel(self)
        self.caption.setStyleSheet("color: palette(placeholder-text);")
        for label in (self.value, self.caption):
            label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        layout.setSpacing(0)
        layout.addWidget(self.value)
        layout.addWidget(self.caption)

    def show_value(self, metric: MetricValue) -> None:
        self.value.setText(metric.text)
        self.caption.setText(metric.label)
        self.setToolTip(f"<b>{metric.label}</b><br>{metric.definition}")
        self.setAccessibleName(f"{metric.label}: {metric.text}")


class MetricTiles(QWidget):
    """A grid of tiles, `columns` wide, in the order the metrics arrive."""

    def __init__(self, keys: Sequence[str], columns: int = 4, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("metrics.tiles")
        self.tiles: dict[str, MetricTile] = {}
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setSpacing(4)
        for i, key in enumerate(keys):
            tile = MetricTile(key, self)
            self.tiles[key] = tile
            grid.addWidget(tile, i // columns, i % columns)

    def show_values(self, values: Sequence[MetricValue]) -> None:
        for metric in values:
            tile = self.tiles.get(metric.key)
            if tile is not None:
                tile.show_value(metric)
