"""Light and dark themes: follow the OS by default, with a user override.

Fusion plus an explicit palette gives the same readable result on every platform when the
user forces a scheme; "system" uses the OS scheme through QStyleHints (Qt >= 6.5).
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication

THEMES = ("system", "light", "dark")


def effective_scheme(choice: str) -> str:
    """"light" or "dark": the user's override, else what the OS says."""
    if choice in ("light", "dark"):
        return choice
    hints = QGuiApplication.styleHints()
    return "dark" if hints.colorScheme() == Qt.ColorScheme.Dark else "light"


def _palette(scheme: str) -> QPalette:
    p = QPalette()
    R = QPalette.ColorRole
    if scheme == "dark":
        colors = {
            R.Window: "#202124", R.WindowText: "#e8eaed", R.Base: "#17181a",
            R.AlternateBase: "#26282b", R.ToolTipBase: "#303134", R.ToolTipText: "#e8eaed",
            R.Text: "#e8eaed", R.Button: "#2d2f33", R.ButtonText: "#e8eaed",
            R.BrightText: "#ff6b6b", R.Highlight: "#3d7be0", R.HighlightedText: "#ffffff",
            R.Link: "#8ab4f8", R.PlaceholderText: "#9aa0a6", R.Mid: "#3c4043",
            R.Dark: "#111214", R.Light: "#3c4043",
        }
    else:
        colors = {
            R.Window: "#f3f4f6", R.WindowText: "#1f2328", R.Base: "#ffffff",
            R.AlternateBase: "#f6f8fa", R.ToolTipBase: "#ffffe1", R.ToolTipText: "#1f2328",
            R.Text: "#1f2328", R.Button: "#eceef1", R.ButtonText: "#1f2328",
            R.BrightText: "#c62828", R.Highlight: "#2f6fd6", R.HighlightedText: "#ffffff",
            R.Link: "#0b57d0", R.PlaceholderText: "#6e7781", R.Mid: "#c9ced6",
            R.Dark: "#a0a7b1", R.Light: "#ffffff",
        }
    for role, value in colors.items():
        p.setColor(role, QColor(value))
    disabled = QColor("#7d828a" if scheme == "dark" else "#9aa0a6")
    for role in (R.Text, R.WindowText, R.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def palette_for(scheme: str) -> QPalette:
    """The palette of "light" or "dark" (e.g. to print a report in the light scheme)."""
    return _palette("dark" if scheme == "dark" else "light")


def apply_theme(app: QApplication, choice: str) -> str:
    """Apply `choice` ("system", "light" or "dark"); returns the scheme in force."""
    scheme = effective_scheme(choice if choice in THEMES else "system")
    app.setStyle("Fusion")
    app.setPalette(_palette(scheme))
    app.setProperty("sdrdesk_scheme", scheme)
    return scheme
