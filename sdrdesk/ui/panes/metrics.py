"""The Metrics and review pane: a period's numbers, the source review, onboarding, definitions.

Everything is read through `workspace.metrics` off the GUI thread (one read for the tab in
view), so the pane works the same on the rep's own book and on a rep file opened read-only in
coaching mode. The tabs are small views (`ui/widgets/metrics_views.py`) that draw one DTO each.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path
from zoneinfo import ZoneInfo

from PySide6.QtCore import QDate
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QPushButton,
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
from sdrdesk.ui.metrics_charts import write_review_pdf
from sdrdesk.ui.panes.base import Pane
from sdrdesk.ui.widgets.metrics_views import OverviewView, RampView, ReviewView

_PERIODS = (PeriodKind.TODAY, PeriodKind.THIS_WEEK, PeriodKind.LAST_WEEK, PeriodKind.THIS_MONTH,
            PeriodKind.LAST_MONTH, PeriodKind.LAST_30, PeriodKind.LAST_90, PeriodKind.CUSTOM)


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
        self.overview = OverviewView(self)
        self.review_view = ReviewView(self._saved_dimension(), self)
        start = QDate.fromString(ctx.settings.get(S.REP_START_DATE), "yyyy-MM-dd")
        self.ramp = RampView(start if start.isValid() else QDate(self.today()).addDays(-55), self)
        self.definitions = QTextBrowser(self)
        self.definitions.setObjectName("metrics.definitions")
        self.definitions.setHtml(definitions_html())
        for view, title in ((self.overview, "Overview"), (self.review_view, "Review"),
                            (self.ramp, "Onboarding"), (self.definitions, "Definitions")):
            self.tabs.addTab(view, title)
        # What tests and the screenshot script reach for.
        self.tiles, self.pace_label = self.overview.tiles, self.overview.pace_label
        self.activity_table, self.funnel_table = self.overview.activity_table, self.overview.funnel_table
        self.dimension_box, self.review_table = self.review_view.dimension_box, self.review_view.table
        self.start_edit, self.ramp_table = self.ramp.start_edit, self.ramp.table

        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(bar)
        layout.addWidget(self.tabs)

        self.period_box.currentIndexChanged.connect(self._on_period_changed)
        self.review_view.sig_dimension_changed.connect(self._on_dimension_changed)
        self.ramp.sig_start_changed.connect(self._on_start_changed)
        self.help_button.clicked.connect(self.show_definitions)
        self.export_csv_button.clicked.connect(self.export_csv)
        self.export_pdf_button.clicked.connect(self.export_pdf)
        self.tabs.currentChanged.connect(lambda _i: self.refresh())
        self._sync_custom_visibility()

    def show_definitions(self) -> None:
        """The help page: what every metric and review column means."""
        self.tabs.setCurrentWidget(self.definitions)

    def _saved_dimension(self) -> Dimension:
        try:
            return Dimension(self.ctx.settings.get(S.METRICS_DIMENSION))
        except ValueError:
            return Dimension.SOURCE

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

    def _on_dimension_changed(self, dimension: Dimension) -> None:
        self.ctx.settings.set(S.METRICS_DIMENSION, dimension.value)
        self.refresh()

    def _on_start_changed(self, start: date) -> None:
        self.ctx.settings.set(S.REP_START_DATE, start.isoformat())
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
            dim = self.review_view.dimension()
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
        if generation == self._generation:
            self.report = report
            self.overview.show_report(report)

    def _on_review(self, generation: int, review: Review) -> None:
        if generation == self._generation:
            self.review = review
            self.review_view.show_review(review)

    def _on_onboarding(self, generation: int, onboarding: Onboarding) -> None:
        if generation == self._generation:
            self.onboarding = onboarding
            self.ramp.show_onboarding(onboarding)

    # -- export -----------------------------------------------------------------------
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
            report = metrics.report(period, goal)
            return ReviewBundle(f"Review: {report.period.label}", report, metrics.reviews(period))

        def done(bundle: ReviewBundle) -> None:
            # The CSV could be written on the worker; the PDF needs the GUI thread (fonts).
            try:
                path = write_review_csv(bundle, target) if kind == "csv" else write_review_pdf(bundle, target)
            except OSError as exc:
                self.report_error(exc)
                return
            self.ctx.bus.sig_status_message.emit(f"Review exported to {Path(path).name}")

        self.read(build, done)
