"""The review as CSV (no Qt), and the HTML that the PDF export lays out.

The CSV has one section per table (metrics, then the review per dimension), each with its
own header row, written atomically and safe to open in a spreadsheet (`csv_export.neutralise`).
`review_html` is plain HTML for QTextDocument: tables, and `<img src="chart:NAME">` where the
PDF writer puts the charts it draws.
"""

from __future__ import annotations

import csv
import html
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sdrdesk.domain import metrics as d
from sdrdesk.domain.metrics import Dimension
from sdrdesk.services.metrics import MetricsReport, Review, ReviewRow


@dataclass(frozen=True)
class ReviewBundle:
    """Everything one review export holds."""

    title: str
    report: MetricsReport
    reviews: dict[Dimension, Review]


def _rate(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def write_review_csv(bundle: ReviewBundle, path: Path) -> Path:
    from sdrdesk.services.csv_export import neutralise  # (loads the storage stack)

    path = Path(path)
    fd, tmp_name = tempfile.mkstemp(prefix=".review-", suffix=".csv", dir=path.parent or ".")
    try:
        with os.fdopen(fd, "w", newline="", encoding="utf-8-sig") as handle:
            out = csv.writer(handle)
            period = bundle.report.period
            out.writerow([neutralise(bundle.title), period.first.isoformat(), period.last.isoformat(),
                          period.zone])
            out.writerow([])
            out.writerow(["section", "metric", "value", "shown as", "definition"])
            for v in bundle.report.values:
                raw = "" if v.value is None else (
                    _rate(v.value) if v.unit is d.Unit.RATE else f"{v.value:g}")
                out.writerow(["metrics", v.label, raw, v.text, v.definition])
            if bundle.report.pace is not None:
                out.writerow(["metrics", "Pace", bundle.report.pace.projected, bundle.report.pace.text, ""])
            for dimension, review in bundle.reviews.items():
                out.writerow([])
                out.writerow(["section", d.DIMENSION_LABELS[dimension], "rank",
                              *[c.label for c in d.REVIEW_COLUMNS], "bounced contacts",
                              "replied contacts", "flag"])
                for row in (*review.rows, review.total):
                    out.writerow([f"review by {dimension.value}", neutralise(row.group), row.rank or "",
                                  *_csv_cells(row), row.bounced, row.replied, row.flag_reason])
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path


def _csv_cells(row: ReviewRow) -> list[object]:
    out: list[object] = []
    for col in d.REVIEW_COLUMNS:
        value = getattr(row, col.key)
        out.append(_rate(value) if col.unit is d.Unit.RATE else (
            f"{value:.2f}" if col.unit is d.Unit.MONEY else value))
    return out


# -- HTML for the PDF -------------------------------------------------------------------
_CSS = """
body { font-family: sans-serif; font-size: 9pt; color: #1f2328; }
h1 { font-size: 16pt; margin-bottom: 2px; }
h2 { font-size: 12pt; margin-top: 14px; margin-bottom: 4px; }
p.sub, span.sub { color: #57606a; margin-top: 0; }
table { border-collapse: collapse; }
th { background: #eceef1; text-align: left; padding: 3px 6px; }
td { padding: 2px 6px; border-bottom: 1px solid #d0d7de; }
td.n { text-align: right; }
th.n { text-align: right; }
table.review { font-size: 7.5pt; }
tr.flag td { background: #fdecea; }
p.flag { color: #b42318; }
"""


def _e(text: object) -> str:
    return html.escape(str(text))


def review_html(bundle: ReviewBundle, *, charts: bool = True) -> str:
    report = bundle.report
    parts = [f"<html><head><style>{_CSS}</style></head><body>",
             f"<h1>{_e(bundle.title)}</h1>",
             f"<p class='sub'>{_e(report.period.label)} · times in {_e(report.period.zone)}</p>"]
    if report.pace is not None:
        parts.append(f"<p><b>{_e(report.pace.text)}</b></p>")
    parts.append("<h2>Metrics</h2><table width='100%'><tr><th>Metric</th><th>Value</th>"
                 "<th>Definition</th></tr>")
    for v in report.values:
        parts.append(f"<tr><td>{_e(v.label)}</td><td class='n'>{_e(v.text)}</td>"
                     f"<td>{_e(v.definition)}</td></tr>")
    parts.append("</table>")
    if charts:
        # The charts carry their own titles; a caption under each keeps it with its picture.
        parts.append("<p><img src='chart:activity' width='760'><br><span class='sub'>Activity per "
                     "day: calls, e-mails and LinkedIn messages per day in the rep's zone.</span></p>")
        parts.append("<p><img src='chart:funnel' width='760'><br><span class='sub'>Funnel: from "
                     "dials to meetings accepted by AEs, in the period.</span></p>")
    for dimension, review in bundle.reviews.items():
        label = d.DIMENSION_LABELS[dimension]
        shown = label if label.startswith("ICP") else label.lower()
        parts.append(f"<h2>Review by {_e(shown)}</h2>")
        for row in review.flagged:
            parts.append(f"<p class='flag'>Volume without meetings: {_e(row.group)} — "
                         f"{_e(row.flag_reason)}</p>")
        widths = ["7.5%"] * (len(d.REVIEW_COLUMNS) - 1) + ["11%"]
        parts.append("<table class='review' width='100%'><tr><th width='3%'>#</th>"
                     f"<th width='18.5%'>{_e(label)}</th>"
                     + "".join(f"<th class='n' width='{w}'>{_e(c.label)}</th>"
                               for c, w in zip(d.REVIEW_COLUMNS, widths, strict=True)) + "</tr>")
        for row in (*review.rows, review.total):
            css = " class='flag'" if row.flagged else ""
            cells = "".join(f"<td class='n'>{_e(c)}</td>" for c in row.cells(review.currency))
            rank = row.rank or ""
            label = f"<b>{_e(row.group)}</b>" if row is review.total else _e(row.group)
            parts.append(f"<tr{css}><td>{rank}</td><td>{label}</td>{cells}</tr>")
        parts.append("</table>")
        if charts and dimension is Dimension.SOURCE:
            parts.append("<p><img src='chart:sources' width='760'><br><span class='sub'>Meetings "
                         "booked and accepted per source (best ranked first).</span></p>")
    parts.append("<h2>Definitions</h2><table width='100%'>")
    for col in d.REVIEW_COLUMNS:
        parts.append(f"<tr><td>{_e(col.label)}</td><td>{_e(col.definition)}</td></tr>")
    parts.append(f"<tr><td>Groups</td><td>{_e(d.DIMENSION_HELP)}</td></tr></table>")
    parts.append("</body></html>")
    return "".join(parts)


def definitions_html() -> str:
    """The help page: what every metric and review column means."""
    rows = "".join(f"<tr><td><b>{_e(m.label)}</b></td><td>{_e(m.definition)}</td></tr>"
                   for m in d.METRICS)
    review = "".join(f"<tr><td><b>{_e(c.label)}</b></td><td>{_e(c.definition)}</td></tr>"
                     for c in d.REVIEW_COLUMNS)
    return (
        "<h3>Metrics</h3><p>Counted over calendar days in your time zone; a week starts on "
        "Monday. A rate shows “-” when there is nothing to divide by.</p>"
        f"<table cellpadding='4'>{rows}</table>"
        "<h3>Pace</h3><p>Meetings booked so far this month, projected over the month's "
        "weekdays (today counts as gone), against the monthly goal in Preferences.</p>"
        "<h3>Review by source and segment</h3>"
        f"<p>{_e(d.DIMENSION_HELP)}</p><table cellpadding='4'>{review}</table>"
        f"<p>A group is flagged as <b>volume without meetings</b> when it has at least "
        f"{d.VOLUME_WITHOUT_MEETINGS_MIN} records created in the period and no meeting booked "
        "with them yet. Groups are ranked by opportunity rate, then pipeline, then meetings booked.</p>"
        "<h3>Onboarding</h3><p>The same counts per week since the rep's start date, against the "
        "team's ramp goals (calls and meetings booked per week, in Preferences).</p>"
    )
