"""Chart data for the metrics DTOs, and the review as a PDF (QPdfWriter + QTextDocument).

Both the Metrics pane and `sdrdesk report --pdf` use these, so the PDF's charts are drawn by
the same code as the pane's. The PDF is always printed in the light scheme (paper).
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QMarginsF, QSize, QUrl
from PySide6.QtGui import QFont, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from sdrdesk.domain.metrics import Dimension
from sdrdesk.services.metrics import MetricsReport, Review
from sdrdesk.services.metrics_export import ReviewBundle, review_html
from sdrdesk.ui.theme import palette_for
from sdrdesk.ui.widgets.bar_chart import ChartData, chart_from_rows, render_image

_MAX_SOURCES = 12


def activity_chart(report: MetricsReport) -> ChartData:
    days = report.daily
    short = len(days) <= 14
    labels = [f"{a.day:%a %d}" if short else f"{a.day:%d %b}" for a in days]
    return chart_from_rows("Activity per day", labels, {
        "Calls": [a.calls for a in days], "E-mails": [a.emails for a in days],
        "LinkedIn": [a.linkedin for a in days]}, stacked=True)


def funnel_chart(report: MetricsReport) -> ChartData:
    return chart_from_rows("Funnel: dials to accepted meetings", [s.label for s in report.funnel],
                           {"Count": [s.count for s in report.funnel]}, horizontal=True)


def source_chart(review: Review) -> ChartData:
    rows = review.rows[:_MAX_SOURCES]
    return chart_from_rows("Meetings by " + ("source" if review.dimension is Dimension.SOURCE
                                             else review.dimension.value.replace("_", " ")),
                           [r.group for r in rows],
                           {"Booked": [r.booked for r in rows], "Accepted": [r.accepted for r in rows]},
                           horizontal=True)


def write_review_pdf(bundle: ReviewBundle, path: Path) -> Path:
    """Lay the review out on A4 pages with its charts; written atomically."""
    path = Path(path)
    palette = palette_for("light")
    font = QFont()
    font.setPointSizeF(8.5)
    size = QSize(760, 250)
    doc = QTextDocument()
    doc.setDefaultFont(font)
    charts = {"activity": activity_chart(bundle.report), "funnel": funnel_chart(bundle.report)}
    source = bundle.reviews.get(Dimension.SOURCE)
    if source is not None:
        charts["sources"] = source_chart(source)
    for name, data in charts.items():
        doc.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart:{name}"),
                        render_image(data, size, palette, font))
    doc.setHtml(review_html(bundle))
    fd, tmp_name = tempfile.mkstemp(prefix=".review-", suffix=".pdf", dir=path.parent or ".")
    os.close(fd)
    try:
        writer = QPdfWriter(tmp_name)
        writer.setTitle(bundle.title)
        writer.setCreator("sdrdesk")
        writer.setResolution(96)
        writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4),
                                         QPageLayout.Orientation.Landscape, QMarginsF(12, 10, 12, 10),
                                         QPageLayout.Unit.Millimeter))
        doc.setPageSize(writer.pageLayout().paintRectPixels(writer.resolution()).size().toSizeF())
        doc.print_(writer)
        del writer  # flushes and closes the file
        os.replace(tmp_name, path)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
    return path
