"""The Metrics pane's three views, each showing one DTO: overview, review, onboarding ramp.

Each view owns its widgets and draws what it is given; the pane reads the data (off the GUI
thread) and hands it over. Charts sit beside (or above) the table of their numbers.
"""

from __future__ import annotations

from PySide6.QtCore import QDate, Qt, Signal
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QScrollArea,
    QSplitter,
    QTableView,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain import metrics as d
from sdrdesk.domain.metrics import Dimension
from sdrdesk.services.metrics import MetricsReport, Onboarding, Review
from sdrdesk.ui.metrics_charts import activity_chart, funnel_chart, source_chart
from sdrdesk.ui.models.metrics_tables import TextTableModel
from sdrdesk.ui.widgets.bar_chart import BarChart, chart_from_rows
from sdrdesk.ui.widgets.metric_tiles import MetricTiles

TILE_KEYS = ("calls", "connects", "connect_rate", "conversations", "emails", "replies",
             "reply_rate", "positive_replies", "meetings_booked", "meetings_held", "no_show_rate",
             "meetings_accepted", "opportunity_value")
FLAG_COLOUR = "#c0392b"


def _table(name: str, parent: QWidget) -> tuple[QTableView, TextTableModel]:
    view = QTableView(parent)
    view.setObjectName(name)
    model = TextTableModel(view)
    view.setModel(model)
    view.verticalHeader().hide()
    view.setAlternatingRowColors(True)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
    view.horizontalHeader().setStretchLastSection(False)
    view.verticalHeader().setDefaultSectionSize(view.fontMetrics().height() + 6)
    return view, model


def fit_width(view: QTableView) -> None:
    """Size the columns to their contents and let the view ask for that width (no h-scroll)."""
    view.resizeColumnsToContents()
    width = view.horizontalHeader().length() + view.frameWidth() * 2
    width += view.verticalScrollBar().sizeHint().width()
    view.setMinimumWidth(min(width, 520))


def _chart_with_table(name: str, parent: QWidget) -> tuple[QSplitter, BarChart, TextTableModel, QTableView]:
    split = QSplitter(Qt.Orientation.Horizontal, parent)
    split.setObjectName(f"split.metrics.{name}")
    chart = BarChart(f"metrics.chart.{name}", split)
    view, model = _table(f"metrics.table.{name}", split)
    split.addWidget(chart)
    split.addWidget(view)
    split.setStretchFactor(0, 3)
    split.setStretchFactor(1, 2)
    split.setChildrenCollapsible(False)
    return split, chart, model, view


class OverviewView(QWidget):
    """Pace, metric tiles, activity per day and the funnel, each chart with its table."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.pace_label = QLabel(self)
        self.pace_label.setObjectName("metrics.pace")
        self.pace_label.setWordWrap(True)
        self.tiles = MetricTiles(TILE_KEYS, columns=5, parent=self)
        activity, self.activity_chart, self.activity_table, self.activity_view = _chart_with_table(
            "activity", self)
        funnel, self.funnel_chart, self.funnel_table, self.funnel_view = _chart_with_table("funnel", self)
        for split in (activity, funnel):
            split.setMinimumHeight(220)
        inner = QWidget(self)
        col = QVBoxLayout(inner)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.pace_label)
        col.addWidget(self.tiles)
        col.addWidget(activity, 1)
        col.addWidget(funnel, 1)
        scroll = QScrollArea(self)
        scroll.setObjectName("metrics.overviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.addWidget(scroll)

    def show_report(self, report: MetricsReport) -> None:
        self.tiles.show_values(report.values)
        if report.pace is not None:
            colour = "palette(text)" if report.pace.on_track else FLAG_COLOUR
            self.pace_label.setText(f"<b style='color:{colour}'>{report.pace.text}</b>")
            self.pace_label.setToolTip(
                f"{report.pace.elapsed_workdays} of {report.pace.workdays} weekdays of this month "
                "gone; goal set in Preferences.")
        else:
            self.pace_label.setText("")
        self.activity_chart.set_data(activity_chart(report))
        self.activity_table.set_table(
            ("Day", "Calls", "Connects", "E-mails", "LinkedIn"),
            [(f"{a.day:%a %d %b}", f"{a.calls:,}", f"{a.connects:,}", f"{a.emails:,}", f"{a.linkedin:,}")
             for a in report.daily])
        fit_width(self.activity_view)
        self.funnel_chart.set_data(funnel_chart(report))
        first = report.funnel[0].count if report.funnel else 0
        self.funnel_table.set_table(
            ("Step", "Count", "Of dials"),
            [(s.label, f"{s.count:,}", d.format_value(d.ratio(s.count, first), d.Unit.RATE))
             for s in report.funnel],
            row_tips=[s.definition for s in report.funnel])
        fit_width(self.funnel_view)


class ReviewView(QWidget):
    """The review table (ranked, flagged rows tinted), the flags spelled out, the source chart."""

    sig_dimension_changed = Signal(object)
    """The user grouped by another dimension (a `Dimension`)."""

    def __init__(self, dimension: Dimension, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dimension_box = QComboBox(self)
        self.dimension_box.setObjectName("metrics.dimension")
        for dim in Dimension:
            self.dimension_box.addItem(d.DIMENSION_LABELS[dim], dim.value)
        self.dimension_box.setCurrentIndex(max(0, self.dimension_box.findData(dimension.value)))
        self.dimension_box.currentIndexChanged.connect(
            lambda _i: self.sig_dimension_changed.emit(self.dimension()))
        note = QLabel("Contacts created in the period, followed up to today. Hover a header for "
                      "its definition.", self)
        note.setWordWrap(True)
        self.flag_label = QLabel(self)
        self.flag_label.setObjectName("metrics.flags")
        self.flag_label.setWordWrap(True)
        self.flag_label.setTextFormat(Qt.TextFormat.RichText)
        self.flag_label.hide()
        self.table_view, self.table = _table("metrics.table.review", self)
        self.table_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.chart = BarChart("metrics.chart.sources", self)
        split = QSplitter(Qt.Orientation.Vertical, self)
        split.setObjectName("split.metrics.review")
        split.addWidget(self.table_view)
        split.addWidget(self.chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        top = QHBoxLayout()
        top.addWidget(QLabel("Group by:", self))
        top.addWidget(self.dimension_box)
        top.addWidget(note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.flag_label)
        layout.addWidget(split, 1)

    def dimension(self) -> Dimension:
        return Dimension(self.dimension_box.currentData())

    def show_review(self, review: Review) -> None:
        headers = ("#", d.DIMENSION_LABELS[review.dimension], *[c.label for c in d.REVIEW_COLUMNS])
        tips = ("Rank: opportunity rate, then pipeline, then meetings booked", d.DIMENSION_HELP,
                *[c.definition for c in d.REVIEW_COLUMNS])
        rows = [(str(r.rank), r.group, *r.cells(review.currency)) for r in review.rows]
        rows.append(("", "Total", *review.total.cells(review.currency)))
        self.table.set_table(
            headers, rows, header_tips=tips, text_columns=(0, 1),
            row_tips=[r.flag_reason for r in review.rows],
            flagged=[i for i, r in enumerate(review.rows) if r.flagged], bold=[len(rows) - 1])
        self.table_view.resizeColumnsToContents()
        if review.flagged:
            items = "".join(f"<li><b>{r.group}</b>: {r.flag_reason}</li>" for r in review.flagged)
            self.flag_label.setText(f"<span style='color:{FLAG_COLOUR}'><b>Volume without meetings"
                                    f"</b></span><ul style='margin:0'>{items}</ul>")
            self.flag_label.show()
        else:
            self.flag_label.setText("")
            self.flag_label.hide()
        self.chart.set_data(source_chart(review))


class RampView(QWidget):
    """A new hire's weeks since the start date against the team's ramp goals."""

    sig_start_changed = Signal(object)
    """The rep's start date was changed (a `datetime.date`)."""

    def __init__(self, start: QDate, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.start_edit = QDateEdit(start, self)
        self.start_edit.setObjectName("metrics.startDate")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy-MM-dd")
        self.start_edit.dateChanged.connect(lambda v: self.sig_start_changed.emit(v.toPython()))
        self.note = QLabel(self)
        self.note.setObjectName("metrics.onboardingNote")
        self.note.setWordWrap(True)
        split, self.chart, self.table, _view = _chart_with_table("ramp", self)
        split.setOrientation(Qt.Orientation.Vertical)
        top = QHBoxLayout()
        top.addWidget(QLabel("Rep started on:", self))
        top.addWidget(self.start_edit)
        top.addWidget(self.note, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)

    def show_onboarding(self, onboarding: Onboarding) -> None:
        weeks = onboarding.weeks
        met = sum(1 for w in weeks if w.met and not w.partial)
        done = sum(1 for w in weeks if not w.partial)
        self.note.setText(
            f"Day {onboarding.day} since the start. {met} of {done} complete weeks met the ramp goals "
            "(Preferences: calls and meetings per week).")
        self.chart.set_data(chart_from_rows(
            "Meetings booked per week against the ramp goal", [f"W{w.number}" for w in weeks],
            {"Booked": [w.booked for w in weeks], "Goal": [w.goal_meetings or 0 for w in weeks]}))
        self.table.set_table(
            ("Week", "Calls", "Call goal", "Connects", "Conversations", "E-mails", "Replies", "Booked",
             "Meeting goal", "Held", "Accepted", "Met"),
            [(f"W{w.number} {w.first:%d %b}" + (" (so far)" if w.partial else ""), f"{w.calls:,}",
              "-" if w.goal_calls is None else str(w.goal_calls), f"{w.connects:,}",
              f"{w.conversations:,}", f"{w.emails:,}", f"{w.replies:,}", str(w.booked),
              "-" if w.goal_meetings is None else str(w.goal_meetings), str(w.held), str(w.accepted),
              "…" if w.partial else ("yes" if w.met else "no"))
             for w in weeks],
            flagged=[i for i, w in enumerate(weeks) if not w.partial and w.met is False])
