"""Filling a script's `{variables}` from the focused contact, and saying which are missing.

A missing value is never printed as `{pain}`: it becomes a visible marker (`⟨pain?⟩`) that
the pane highlights, and it is listed in `missing` so the rep sees the gap before dialling.
`{{` and `}}` write literal braces. Values are escaped so a company called "A*B" cannot
turn the rest of the Markdown script bold.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass

# Every variable a script may use, with what the rep sees when it has no value.
KNOWN_VARIABLES: dict[str, str] = {
    "first_name": "first name",
    "last_name": "last name",
    "full_name": "full name",
    "title": "job title",
    "company": "company",
    "industry": "industry",
    "city": "city",
    "trigger": "trigger",
    "pain": "likely pain",
    "first_line": "first-line idea",
    "my_name": "your name",
    "my_company": "your company",
}

_TOKEN = re.compile(r"\{\{|\}\}|\{([A-Za-z_][A-Za-z0-9_]*)\}")
_MARKDOWN_SPECIAL = re.compile(r"([\\`*_\[\]<>#|])")


def marker(name: str) -> str:
    return f"⟨{KNOWN_VARIABLES.get(name, name)}?⟩"


def escape_markdown(text: str) -> str:
    return _MARKDOWN_SPECIAL.sub(r"\\\1", " ".join(text.split()))


@dataclass(frozen=True)
class FilledScript:
    text: str  # Markdown with values in place and markers for the gaps
    missing: tuple[str, ...]  # known variables with no value, in order of first use
    unknown: tuple[str, ...]  # names that are not variables at all (typos: {frist_name})
    markers: tuple[str, ...]  # the marker strings in `text`, for highlighting

    @property
    def complete(self) -> bool:
        return not self.missing and not self.unknown


def variables_in(template: str) -> tuple[str, ...]:
    seen: list[str] = []
    for match in _TOKEN.finditer(template):
        name = match.group(1)
        if name and name not in seen:
            seen.append(name)
    return tuple(seen)


def fill(template: str, values: Mapping[str, str | None], *, markdown: bool = True) -> FilledScript:
    missing: list[str] = []
    unknown: list[str] = []
    markers: list[str] = []

    def replace(match: re.Match[str]) -> str:
        token = match.group(0)
        if token == "{{":
            return "{"
        if token == "}}":
            return "}"
        name = match.group(1)
        value = (values.get(name) or "").strip()
        if value.endswith(".") and template.startswith(".", match.end()):
            value = value[:-1]  # "Acme Inc." + "." must not read "Acme Inc.."
        if value:
            return escape_markdown(value) if markdown else value
        bucket = missing if name in KNOWN_VARIABLES else unknown
        if name not in bucket:
            bucket.append(name)
        mark = marker(name)
        if mark not in markers:
            markers.append(mark)
        return mark

    text = _TOKEN.sub(replace, template)
    return FilledScript(text, tuple(missing), tuple(unknown), tuple(markers))
