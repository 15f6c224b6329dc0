"""The research pane's read-only texts: the subtitle line, ICP fit and triggers as rich text."""

from __future__ import annotations

import html
from datetime import date

from sdrdesk.services.research import AccountResearch


def subtitle(r: AccountResearch) -> str:
    """domain · industry · size · place, skipping what is unknown."""
    place = ", ".join(p for p in (r.city, r.region, r.country) if p)
    size = f"{r.employee_count:,} employees" if r.employee_count is not None else ""
    return " · ".join(p for p in (r.domain, r.industry, size, place) if p)


def icp_html(r: AccountResearch) -> str:
    """Each ICP criterion met or not, with its reason."""
    fit = r.icp_fit
    lines = [f"<b>{fit.score_label}</b> &nbsp;(suggests tier {fit.suggested_tier}"
             + (f"; set to {r.icp_tier}" if r.icp_tier else "") + ")"]
    for c in fit.criteria:
        mark = '<span style="color:#2e8b57">✔</span>' if c.met else '<span style="color:#c0392b">✘</span>'
        lines.append(f"{mark} {html.escape(c.name)}: {html.escape(c.reason)}")
    return "<br>".join(lines)


def triggers_html(r: AccountResearch) -> str:
    """Newest first; stale ones greyed (old news is a weak reason to call)."""
    if not r.triggers:
        return "<i>No triggers recorded.</i>"
    lines = []
    for t in r.triggers:
        when = t.occurred_on.isoformat() if isinstance(t.occurred_on, date) else "undated"
        source = f" · {html.escape(t.source)}" if t.source else ""
        text = f"{html.escape(t.description)} <small>({when}, {t.age}{source})</small>"
        lines.append(f'<span style="color:gray">{text} <b>stale</b></span>' if t.stale else text)
    return "<br>".join(lines)
