"""Every user preference and piece of window state, declared once with its type and default.

Two kinds (Picard's split): `pref` is the user's intent (theme, default phone region, calling
window); `persist` is remembered state (geometry, dock layout). Business data and secrets
never go here. Stored in an INI file through QSettings.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QByteArray, QSettings

from sdrdesk.domain.cadence import CHANNELS, DEFAULT_DAILY_CAPS

T = TypeVar("T")


@dataclass(frozen=True)
class Setting(Generic[T]):
    key: str
    type: type
    default: T
    kind: str  # "pref" or "persist"


def pref(key: str, type_: type, default: T) -> Setting[T]:
    return Setting(f"prefs/{key}", type_, default, "pref")


def persist(key: str, type_: type, default: T) -> Setting[T]:
    return Setting(f"persist/{key}", type_, default, "persist")


# -- preferences ------------------------------------------------------------------------
THEME: Setting[str] = pref("theme", str, "system")  # system, light, dark
DEFAULT_REGION: Setting[str] = pref("default_region", str, "US")  # for parsing phone numbers
REP_NAME: Setting[str] = pref("rep_name", str, "")
CALLING_WINDOW_START: Setting[str] = pref("calling_window_start", str, "08:00")
CALLING_WINDOW_END: Setting[str] = pref("calling_window_end", str, "21:00")
OUTSIDE_WINDOW_POLICY: Setting[str] = pref("outside_window_policy", str, "confirm")  # or "block"
REP_COMPANY: Setting[str] = pref("rep_company", str, "")  # fills {my_company} in scripts
# issue 17 (metrics): the rep's zone for periods ("" = the system's), goals, onboarding ramp
REP_TIMEZONE: Setting[str] = pref("rep_timezone", str, "")
MONTHLY_MEETING_GOAL: Setting[int] = pref("metrics/monthly_meeting_goal", int, 18)
REP_START_DATE: Setting[str] = pref("metrics/rep_start_date", str, "")  # YYYY-MM-DD
RAMP_CALLS_GOALS: Setting[str] = pref("metrics/ramp_calls", str, "150, 200, 250, 300, 300, 350")
RAMP_MEETINGS_GOALS: Setting[str] = pref("metrics/ramp_meetings", str, "0, 1, 2, 3, 3, 4")
# issue 13 (sequences): new tasks per day and channel when enrolling many contacts at once
DAILY_CAPS: dict[str, Setting[int]] = {
    channel: pref(f"sequences/daily_cap_{channel}", int, DEFAULT_DAILY_CAPS[channel]) for channel in CHANNELS}
# The rep's own public holidays (out-of-office shifts); "" = weekends only
REP_HOLIDAY_COUNTRY: Setting[str] = pref("sequences/rep_country", str, "")
REP_HOLIDAY_REGION: Setting[str] = pref("sequences/rep_region", str, "")

# -- remembered state -------------------------------------------------------------------
WINDOW_GEOMETRY: Setting[bytes] = persist("window_geometry", bytes, b"")
WINDOW_STATE: Setting[bytes] = persist("window_state", bytes, b"")
CURRENT_LAYOUT: Setting[str] = persist("current_layout", str, "Calling")
SAVED_LAYOUTS: Setting[dict[str, Any]] = persist("saved_layouts", dict, {})
LAST_BOOK: Setting[str] = persist("last_book", str, "")
LAST_IMPORT_FOLDER: Setting[str] = persist("last_import_folder", str, "")
WIDGET_STATE: Setting[dict[str, Any]] = persist("widget_state", dict, {})  # ui/widget_state.py
BOOK_TAB: Setting[str] = persist("book/tab", str, "accounts")  # accounts or contacts
TODAY_CALLABLE_NOW: Setting[bool] = persist("today/callable_now", bool, False)
METRICS_PERIOD: Setting[str] = persist("metrics/period", str, "this_month")
METRICS_DIMENSION: Setting[str] = persist("metrics/dimension", str, "source")


class Settings:
    """Typed access to one INI file. Each test builds its own; nothing here is global."""

    def daily_caps(self) -> dict[str, int]:
        """The saved daily cap of new tasks per channel (at least 1 each), for `enrol(caps=...)`."""
        return {channel: max(1, self.get(setting)) for channel, setting in DAILY_CAPS.items()}

    def __init__(self, path: Path | None = None) -> None:
        if path is None:
            self._qs = QSettings(QSettings.Format.IniFormat, QSettings.Scope.UserScope,
                                 "sdrdesk", "sdrdesk")
        else:
            self._qs = QSettings(str(path), QSettings.Format.IniFormat)

    @property
    def file_name(self) -> str:
        return self._qs.fileName()

    def get(self, setting: Setting[T]) -> T:
        raw = self._qs.value(setting.key)
        if raw is None:
            return setting.default
        try:
            return self._decode(setting, raw)
        except (TypeError, ValueError):
            return setting.default  # a hand-edited or older value: fall back, don't crash

    def set(self, setting: Setting[T], value: T) -> None:
        if setting.type is bytes:
            self._qs.setValue(setting.key, QByteArray(bytes(value)))  # type: ignore[arg-type]
        elif setting.type is dict:
            self._qs.setValue(setting.key, json.dumps(value))
        elif setting.type is bool:
            self._qs.setValue(setting.key, "true" if value else "false")
        else:
            self._qs.setValue(setting.key, value)

    def reset(self, setting: Setting[Any]) -> None:
        self._qs.remove(setting.key)

    def sync(self) -> None:
        self._qs.sync()

    @staticmethod
    def _decode(setting: Setting[T], raw: Any) -> T:
        if setting.type is bytes:
            return bytes(raw.data() if isinstance(raw, QByteArray) else raw)  # type: ignore[return-value]
        if setting.type is dict:
            value = json.loads(raw) if isinstance(raw, str) else raw
            if not isinstance(value, dict):
                raise ValueError("not a mapping")
            return value  # type: ignore[return-value]
        if setting.type is bool:
            return (str(raw).lower() in ("1", "true", "yes")) if not isinstance(raw, bool) else raw  # type: ignore[return-value]
        return setting.type(raw)  # type: ignore[no-any-return]
