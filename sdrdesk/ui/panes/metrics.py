"""The Metrics and review pane: a period's numbers, the source review, onboarding, definitions.

Everything is read through `workspace.metrics` off the GUI thread (one read per tab), so the
pane works the same on the rep's own book and on a rep file opened read-only in coaching
mode. Charts are QPainter bar charts with their numbers in a table beside them.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate, Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QScrollArea,
    QSplitter,
    QTableView,
    QTabWidget,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from sdrdesk.domain import metrics as d
from sdrdesk.domain.changes import Changes
from sdrdesk.domain.metrics import Dimension, Period, PeriodKind
from sdrdesk.services.metrics import MetricsReport, Onboarding, Review, parse_goals, rep_zone_name
from sdrdesk.services.metrics_export import ReviewBundle, definitions_html, write_review_csv
from sdrdesk.ui import settings as S
from sdrdesk.ui.context import PaneContext
from sdrdesk.ui.metrics_charts import activity_chart, funnel_chart, source_chart, write_review_pdf
from sdrdesk.ui.models.metrics_tables import TextTableModel
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.widgets.bar_chart import BarChart, chart_from_rows
from sdrdesk.ui.widgets.metric_tiles import MetricTiles

_TILE_KEYS = ("calls", "connects", "connect_rate", "conversations", "emails", "replies",
              "reply_rate", "positive_replies", "meetings_booked", "meetings_held", "no_show_rate",
              "meetings_accepted", "opportunity_value")
_PERIODS = (PeriodKind.TODAY, PeriodKind.THIS_WEEK, PeriodKind.LAST_WEEK, PeriodKind.THIS_MONTH,
            PeriodKind.LAST_MONTH, PeriodKind.LAST_30, PeriodKind.LAST_90, PeriodKind.CUSTOM)


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


class MetricsPane(Pane):
    OBJECT_NAME = "pane.metrics"
    TITLE = "Metrics and review"

    def __init__(self, ctx: PaneContext, parent: QWidget | None = None) -> None:
        super().__init__(ctx, parent)
        self.report: MetricsReport | None = None
        self.review: Review | None = None
        self.onboarding: Onboarding | None = None
        self._generation = 0

        # period bar
        self.period_box = QComboBox(self)
        self.period_box.setObjectName("metrics.period")
        for kind in _PERIODS:
            self.period_box.addItem(d.PERIOD_LABELS[kind], kind.value)
        saved = ctx.settings.get(S.METRICS_PERIOD)
        self.period_box.setCurrentIndex(max(0, self.period_box.findData(saved)))
        today = QDate(self.today())
        self.first_edit = QDateEdit(today.addDays(-13), self)
        self.last_edit = QDateEdit(today, self)
        for edit, name in ((self.first_edit, "metrics.first"), (self.last_edit, "metrics.last")):
            edit.setObjectName(name)
            edit.setCalendarPopup(True)
            edit.setDisplayFormat("yyyy-MM-dd")
            edit.dateChanged.connect(self._on_custom_dates_changed)
        self.period_label = QLabel(self)
        self.period_label.setObjectName("metrics.periodLabel")
        self.export_csv_button = QPushButton("Export CSV…", self)
        self.export_pdf_button = QPushButton("Export PDF…", self)
        self.help_button = QPushButton("Definitions", self)
        self.help_button.setToolTip("What each number means")
        bar = QHBoxLayout()
        bar.addWidget(QLabel("Period:", self))
        bar.addWidget(self.period_box)
        bar.addWidget(self.first_edit)
        bar.addWidget(self.last_edit)
        bar.addWidget(self.period_label, 1)
        bar.addWidget(self.help_button)
        bar.addWidget(self.export_csv_button)
        bar.addWidget(self.export_pdf_button)

        self.tabs = QTabWidget(self)
        self.tabs.setObjectName("metrics.tabs")
        self.tabs.addTab(self._build_overview(), "Overview")
        self.tabs.addTab(self._build_review(), "Review")
        self.tabs.addTab(self._build_onboarding(), "Onboarding")
        self.definitions = QTextBrowser(self)
        self.definitions.setObjectName("metrics.definitions")
        self.definitions.setHtml(definitions_html())
        self.tabs.addTab(self.definitions, "Definitions")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.tabs)

        self.period_box.currentIndexChanged.connect(self._on_period_changed)
        self.help_button.clicked.connect(lambda: self.tabs.setCurrentWidget(self.definitions))
        self.export_csv_button.clicked.connect(self.export_csv)
        self.export_pdf_button.clicked.connect(self.export_pdf)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self._sync_custom_visibility()

    # -- building ---------------------------------------------------------------------
    def _build_overview(self) -> QWidget:
        page = QWidget(self)
        self.pace_label = QLabel(page)
        self.pace_label.setObjectName("metrics.pace")
        self.pace_label.setWordWrap(True)
        self.tiles = MetricTiles(_TILE_KEYS, columns=5, parent=page)
        activity, self.activity_chart, self.activity_table, self.activity_table_view = _chart_with_table(
            "activity", page)
        funnel, self.funnel_chart, self.funnel_table, self.funnel_table_view = _chart_with_table(
            "funnel", page)
        for split in (activity, funnel):
            split.setMinimumHeight(220)
        inner = QWidget(page)
        col = QVBoxLayout(inner)
        col.setContentsMargins(0, 0, 0, 0)
        col.addWidget(self.pace_label)
        col.addWidget(self.tiles)
        col.addWidget(activity, 1)
        col.addWidget(funnel, 1)
        scroll = QScrollArea(page)
        scroll.setObjectName("metrics.overviewScroll")
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QScrollArea.Shape.NoFrame)
        scroll.setWidget(inner)
        outer = QVBoxLayout(page)
        outer.setContentsMargins(0, 4, 0, 0)
        outer.addWidget(scroll)
        return page

    def _build_review(self) -> QWidget:
        page = QWidget(self)
        self.dimension_box = QComboBox(page)
        self.dimension_box.setObjectName("metrics.dimension")
        for dim in Dimension:
            self.dimension_box.addItem(d.DIMENSION_LABELS[dim], dim.value)
        self.dimension_box.setCurrentIndex(max(0, self.dimension_box.findData(
            self.ctx.settings.get(S.METRICS_DIMENSION))))
        self.dimension_box.currentIndexChanged.connect(self._on_dimension_changed)
        self.review_note = QLabel(
            "Contacts created in the period, followed up to today. Hover a header for its "
            "definition.", page)
        self.review_note.setWordWrap(True)
        self.flag_label = QLabel(page)
        self.flag_label.setObjectName("metrics.flags")
        self.flag_label.setWordWrap(True)
        self.flag_label.setTextFormat(Qt.TextFormat.RichText)
        self.review_view, self.review_table = _table("metrics.table.review", page)
        self.review_view.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.source_chart = BarChart("metrics.chart.sources", page)
        split = QSplitter(Qt.Orientation.Vertical, page)
        split.setObjectName("split.metrics.review")
        split.addWidget(self.review_view)
        split.addWidget(self.source_chart)
        split.setStretchFactor(0, 3)
        split.setStretchFactor(1, 2)
        top = QHBoxLayout()
        top.addWidget(QLabel("Group by:", page))
        top.addWidget(self.dimension_box)
        top.addWidget(self.review_note, 1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.flag_label)
        layout.addWidget(split, 1)
        return page

    def _build_onboarding(self) -> QWidget:
        page = QWidget(self)
        self.start_edit = QDateEdit(page)
        self.start_edit.setObjectName("metrics.startDate")
        self.start_edit.setCalendarPopup(True)
        self.start_edit.setDisplayFormat("yyyy-MM-dd")
        start = QDate.fromString(self.ctx.settings.get(S.REP_START_DATE), "yyyy-MM-dd")
        self.start_edit.setDate(start if start.isValid() else QDate(self.today()).addDays(-55))
        self.start_edit.dateChanged.connect(self._on_start_changed)
        self.onboarding_note = QLabel(page)
        self.onboarding_note.setObjectName("metrics.onboardingNote")
        self.onboarding_note.setWordWrap(True)
        split, self.ramp_chart, self.ramp_table, _view = _chart_with_table("ramp", page)
        split.setOrientation(Qt.Orientation.Vertical)
        top = QHBoxLayout()
        top.addWidget(QLabel("Rep started on:", page))
        top.addWidget(self.start_edit)
        top.addWidget(self.onboarding_note, 1)
        layout = QVBoxLayout(page)
        layout.setContentsMargins(0, 4, 0, 0)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        return page

    # -- state ------------------------------------------------------------------------
    def wants(self, changes: Changes) -> bool:
        return (changes.activities or changes.meetings or changes.metrics or bool(changes.contacts)
                or changes.book_reloaded)

    def zone(self) -> str:
        return rep_zone_name(self.ctx.settings.get(S.REP_TIMEZONE))

    def today(self) -> date:
        """Today in the rep's zone (the injected clock)."""
        return self.ctx.clock.now().astimezone(ZoneInfo(self.zone())).date()

    def period_kind(self) -> PeriodKind:
        return PeriodKind(self.period_box.currentData())

    def current_period(self) -> Period:
        kind = self.period_kind()
        first = self.first_edit.date().toPython() if kind is PeriodKind.CUSTOM else None
        last = self.last_edit.date().toPython() if kind is PeriodKind.CUSTOM else None
        return d.period_for(kind, self.ctx.clock.now(), self.zone(), first=first, last=last)  # type: ignore[arg-type]

    def set_period(self, kind: PeriodKind, first: date | None = None, last: date | None = None) -> None:
        if first is not None and last is not None:
            self.first_edit.blockSignals(True)
            self.last_edit.blockSignals(True)
            self.first_edit.setDate(QDate(first))
            self.last_edit.setDate(QDate(last))
            self.first_edit.blockSignals(False)
            self.last_edit.blockSignals(False)
        index = self.period_box.findData(kind.value)
        if index == self.period_box.currentIndex():
            self.refresh()
        else:
            self.period_box.setCurrentIndex(index)

    def _sync_custom_visibility(self) -> None:
        custom = self.period_kind() is PeriodKind.CUSTOM
        self.first_edit.setVisible(custom)
        self.last_edit.setVisible(custom)

    def _on_period_changed(self, _index: int) -> None:
        self.ctx.settings.set(S.METRICS_PERIOD, self.period_kind().value)
        self._sync_custom_visibility()
        self.refresh()

    def _on_custom_dates_changed(self, _d: QDate) -> None:
        if self.period_kind() is PeriodKind.CUSTOM:
            self.refresh()

    def _on_dimension_changed(self, _index: int) -> None:
        self.ctx.settings.set(S.METRICS_DIMENSION, str(self.dimension_box.currentData()))
        self.refresh()

    def _on_start_changed(self, value: QDate) -> None:
        self.ctx.settings.set(S.REP_START_DATE, value.toString("yyyy-MM-dd"))
        self.refresh()

    # -- loading ----------------------------------------------------------------------
    def refresh(self) -> None:
        if self.workspace is None:
            return
        self._generation += 1
        generation = self._generation
        period = self.current_period()
        self.period_label.setText(f"{period.label} · {period.zone}")
        tab = self.tabs.currentIndex()
        goal = int(self.ctx.settings.get(S.MONTHLY_MEETING_GOAL))
        if tab == 0:
            self.read(lambda ws: ws.metrics.report(period, goal),
                      lambda r: self._on_report(generation, r))
        elif tab == 1:
            dim = Dimension(self.dimension_box.currentData())
            self.read(lambda ws: ws.metrics.review(period, dim),
                      lambda r: self._on_review(generation, r))
        elif tab == 2:
            start = self.start_edit.date().toPython()
            calls = parse_goals(self.ctx.settings.get(S.RAMP_CALLS_GOALS))
            meetings = parse_goals(self.ctx.settings.get(S.RAMP_MEETINGS_GOALS))
            zone = period.zone
            self.read(lambda ws: ws.metrics.onboarding(start, zone, calls, meetings),  # type: ignore[arg-type]
                      lambda o: self._on_onboarding(generation, o))

    def _on_report(self, generation: int, report: MetricsReport) -> None:
        if generation != self._generation:
            return
        self.report = report
        self.tiles.show_values(report.values)
        if report.pace is not None:
            colour = "palette(text)" if report.pace.on_track else "#c0392b"
            self.pace_label.setText(f"<b style='color:{colour}'>{report.pace.text}</b>")
            self.pace_label.setToolTip(
                f"{report.pace.elapsed_workdays} of {report.pace.workdays} weekdays of this month "
                "gone; goal set in Preferences.")
        self.activity_chart.set_data(activity_chart(report))
        self.activity_table.set_table(
            ("Day", "Calls", "Connects", "E-mails", "LinkedIn"),
            [(f"{a.day:%a %d %b}", f"{a.calls:,}", f"{a.connects:,}", f"{a.emails:,}", f"{a.linkedin:,}")
             for a in report.daily])
        fit_width(self.activity_table_view)
        self.funnel_chart.set_data(funnel_chart(report))
        first = report.funnel[0].count if report.funnel else 0
        self.funnel_table.set_table(
            ("Step", "Count", "Of dials"),
            [(s.label, f"{s.count:,}", d.format_value(d.ratio(s.count, first), d.Unit.RATE))
             for s in report.funnel],
            row_tips=[s.definition for s in report.funnel])
        fit_width(self.funnel_table_view)

    def _on_review(self, generation: int, review: Review) -> None:
        if generation != self._generation:
            return
        self.review = review
        headers = ("#", d.DIMENSION_LABELS[review.dimension], *[c.label for c in d.REVIEW_COLUMNS])
        tips = ("Rank: opportunity rate, then pipeline, then meetings booked", d.DIMENSION_HELP,
                *[c.definition for c in d.REVIEW_COLUMNS])
        rows = [(str(r.rank), r.group, *r.cells(review.currency)) for r in review.rows]
        rows.append(("", "Total", *review.total.cells(review.currency)))
        self.review_table.set_table(
            headers, rows, header_tips=tips, text_columns=(0, 1),
            row_tips=[r.flag_reason for r in review.rows],
            flagged=[i for i, r in enumerate(review.rows) if r.flagged], bold=[len(rows) - 1])
        self.review_view.resizeColumnsToContents()
        if review.flagged:
            items = "".join(f"<li><b>{r.group}</b>: {r.flag_reason}</li>" for r in review.flagged)
            self.flag_label.setText(f"<span style='color:#c0392b'><b>Volume without meetings</b></span>"
                                    f"<ul style='margin:0'>{items}</ul>")
            self.flag_label.show()
        else:
            self.flag_label.setText("")
            self.flag_label.hide()
        self.source_chart.set_data(source_chart(review))

    def _on_onboarding(self, generation: int, onboarding: Onboarding) -> None:
        if generation != self._generation:
            return
        self.onboarding = onboarding
        weeks = onboarding.weeks
        met = sum(1 for w in weeks if w.met and not w.partial)
        done = sum(1 for w in weeks if not w.partial)
        self.onboarding_note.setText(
            f"Day {onboarding.day} since the start. {met} of {done} complete weeks met the ramp goals "
            "(Preferences: calls and meetings per week).")
        self.ramp_chart.set_data(chart_from_rows(
            "Meetings booked per week against the ramp goal", [f"W{w.number}" for w in weeks],
            {"Booked": [w.booked for w in weeks], "Goal": [w.goal_meetings or 0 for w in weeks]}))
        self.ramp_table.set_table(
            ("Week", "Calls", "Call goal", "Connects", "Conversations", "E-mails", "Replies", "Booked",
             "Meeting goal", "Held", "Accepted", "Met"),
            [(f"W{w.number} {w.first:%d %b}" + (" (so far)" if w.partial else ""), f"{w.calls:,}",
              "-" if w.goal_calls is None else str(w.goal_calls), f"{w.connects:,}",
              f"{w.conversations:,}", f"{w.emails:,}", f"{w.replies:,}", str(w.booked),
              "-" if w.goal_meetings is None else str(w.goal_meetings), str(w.held), str(w.accepted),
              "…" if w.partial else ("yes" if w.met else "no"))
             for w in weeks],
            flagged=[i for i, w in enumerate(weeks) if not w.partial and w.met is False])

    # -- export -----------------------------------------------------------------------
    def _bundle(self, ws_reviews: dict[Dimension, Review], report: MetricsReport) -> ReviewBundle:
        return ReviewBundle(f"Review: {report.period.label}", report, ws_reviews)

    def export_csv(self) -> None:
        self._export("csv")

    def export_pdf(self) -> None:
        self._export("pdf")

    def _export(self, kind: str) -> None:
        if self.workspace is None:
            return
        period = self.current_period()
        suggested = f"review-{period.first:%Y-%m-%d}-{period.last:%Y-%m-%d}.{kind}"
        target = self.ctx.prompter.save_file(f"Export the review as {kind.upper()}", suggested,
                                             "CSV files (*.csv)" if kind == "csv" else "PDF files (*.pdf)")
        if target is None:
            return
        goal = int(self.ctx.settings.get(S.MONTHLY_MEETING_GOAL))

        def build(ws: object) -> ReviewBundle:
            metrics = ws.metrics  # type: ignore[attr-defined]
            return self._bundle(metrics.reviews(period), metrics.report(period, goal))

        def done(bundle: ReviewBundle) -> None:
            # The CSV could be written on the worker; the PDF needs the GUI thread (fonts).
            try:
                path = write_review_csv(bundle, target) if kind == "csv" else write_review_pdf(bundle, target)
            except OSError as exc:
                self.report_error(exc)
                return
            self.ctx.bus.sig_status_message.emit(f"Review exported to {Path(path).name}")

        self.read(build, done)
