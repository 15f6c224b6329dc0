"""Qualification frameworks as data: load and check a definition, clean answers, score, status.

A framework is a JSON file (`resources/data/frameworks/*.json` ships BANT, MEDDIC, CHAMP, ANUM
and a default; users drop their own into `<data folder>/frameworks/`):

    {"format": 1, "id": "bant", "name": "BANT", "description": "...",
     "fields": [{"key": "budget", "label": "Budget", "kind": "money", "required": true,
                 "weight": 25, "help": "...", "handoff": "budget"}, ...],
     "status": {"qualified_min_score": 70, "nurture_min_score": 30,
                "disqualify_reasons": ["No budget", ...]}}

Field kinds: text, single_choice, multi_choice (with `choices`), scale (1-5), date, person (a
contact of the account), money (amount and ISO currency). A choice may carry a `score` (0-1,
default 1) and `disqualifies: "<reason>"` (choosing it disqualifies with that reason). A field's
`handoff` names the handoff section it feeds (`HANDOFF_SECTIONS`).

A malformed file is refused with `FrameworkError`, whose message names the file, the place in
it (`fields[2].kind`) and the problem. Pure Python: no Qt, no SQLAlchemy.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Any

FORMAT = 1
SCALE_MIN, SCALE_MAX = 1, 5


class FieldKind(StrEnum):
    TEXT = "text"
    SINGLE = "single_choice"
    MULTI = "multi_choice"
    SCALE = "scale"
    DATE = "date"
    PERSON = "person"
    MONEY = "money"


class Status(StrEnum):
    OPEN = "open"  # nothing answered yet, or too little to say
    QUALIFIED = "qualified"
    NURTURE = "nurture"
    DISQUALIFIED = "disqualified"


# What a field can feed in the AE handoff summary (services/handoff.py), in handoff order.
HANDOFF_SECTIONS: dict[str, str] = {
    "why_replied": "Why they replied",
    "pain": "Pain",
    "impact": "Business impact",
    "involved": "Who else is involved",
    "budget": "Budget",
    "timeline": "Timeline",
    "next_step": "Next step",
    "ae_questions": "What the AE should ask next",
}

_KEY = re.compile(r"^[a-z][a-z0-9_]{0,39}$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


class FrameworkError(ValueError):
    """A framework file that cannot be used: `str()` names the file, the place and the problem."""

    def __init__(self, source: str, location: str, problem: str) -> None:
        self.source, self.location, self.problem = source, location, problem
        where = f"{source}: {location}" if location else source
        super().__init__(f"{where}: {problem}")


class AnswerError(ValueError):
    """An answer that does not fit its field (a message for the rep)."""


@dataclass(frozen=True)
class Choice:
    value: str
    label: str
    score: float = 1.0
    disqualifies: str | None = None  # a reason from the framework's list


@dataclass(frozen=True)
class FieldDef:
    key: str
    label: str
    kind: FieldKind
    required: bool = False
    weight: float = 0.0
    help: str = ""
    choices: tuple[Choice, ...] = ()
    handoff: str | None = None
    min_amount: float | None = None  # money: full score from this amount on

    def choice(self, value: str) -> Choice | None:
        return next((c for c in self.choices if c.value == value), None)


@dataclass(frozen=True)
class StatusRules:
    qualified_min_score: float = 70.0
    nurture_min_score: float = 30.0
    disqualify_reasons: tuple[str, ...] = ()


@dataclass(frozen=True)
class Framework:
    id: str
    name: str
    description: str
    fields: tuple[FieldDef, ...]
    rules: StatusRules
    source: str = ""  # file name it came from ("builtin:bant.json" or a path)
    builtin: bool = True

    def field(self, key: str) -> FieldDef | None:
        return next((f for f in self.fields if f.key == key), None)


@dataclass(frozen=True)
class Assessment:
    score: float  # 0-100, weighted
    status: Status
    missing: tuple[str, ...]  # labels of required fields not answered yet
    disqualify_reason: str | None = None
    answered: int = 0

    @property
    def blocks_qualified(self) -> bool:
        return bool(self.missing)


# -- loading ----------------------------------------------------------------------------------

def parse_framework(text: str, source: str, *, builtin: bool = False) -> Framework:
    """A framework from JSON text; raises `FrameworkError` naming `source`, place and problem."""
    try:
        raw = json.loads(text)
    except json.JSONDecodeError as exc:
        raise FrameworkError(source, f"line {exc.lineno}, column {exc.colno}",
                             f"not valid JSON ({exc.msg})") from None
    return build_framework(raw, source, builtin=builtin)


def load_framework(path: Path, *, builtin: bool = False) -> Framework:
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise FrameworkError(path.name, "", "not UTF-8 text") from None
    except OSError as exc:
        reason = exc.strerror or exc.__class__.__name__
        raise FrameworkError(path.name, "", f"cannot be read ({reason})") from None
    return parse_framework(text, f"builtin:{path.name}" if builtin else str(path), builtin=builtin)


def _need(obj: Any, kind: type | tuple[type, ...], source: str, where: str, what: str) -> Any:
    kinds = kind if isinstance(kind, tuple) else (kind,)
    if not isinstance(obj, kinds) or (isinstance(obj, bool) and bool not in kinds):
        raise FrameworkError(source, where or "top level", f"must be {what}")
    return obj


def _text(obj: Mapping[str, Any], key: str, source: str, where: str, *, required: bool = True,
          default: str = "") -> str:
    if key not in obj:
        if required:
            raise FrameworkError(source, where, f'"{key}" is missing')
        return default
    value = _need(obj[key], str, source, f"{where}.{key}" if where else key, "text")
    if required and not value.strip():
        raise FrameworkError(source, f"{where}.{key}" if where else key, "is empty")
    return str(value.strip())


def _number(obj: Mapping[str, Any], key: str, source: str, where: str, default: float,
            low: float, high: float) -> float:
    if key not in obj:
        return default
    place = f"{where}.{key}" if where else key
    value = _need(obj[key], (int, float), source, place, "a number")
    if not low <= value <= high:
        raise FrameworkError(source, place, f"must be between {low:g} and {high:g} (is {value:g})")
    return float(value)


_FIELD_KEYS = {"key", "label", "kind", "required", "weight", "help", "choices", "handoff", "min_amount"}
_CHOICE_KEYS = {"value", "label", "score", "disqualifies"}


def build_framework(raw: Any, source: str, *, builtin: bool = False) -> Framework:
    _need(raw, dict, source, "", "a JSON object at the top")
    fmt = raw.get("format", FORMAT)
    if fmt != FORMAT:
        raise FrameworkError(source, "format", f"version {fmt!r} is not supported (expected {FORMAT})")
    fid = _text(raw, "id", source, "")
    if not _KEY.match(fid):
        raise FrameworkError(source, "id", f'"{fid}" must be lower-case letters, digits or _ '
                                           "(up to 40), starting with a letter")
    name = _text(raw, "name", source, "")
    description = _text(raw, "description", source, "", required=False)
    status_raw = raw.get("status", {})
    _need(status_raw, dict, source, "status", "an object")
    reasons_raw = status_raw.get("disqualify_reasons", [])
    _need(reasons_raw, list, source, "status.disqualify_reasons", "a list of texts")
    reasons: list[str] = []
    for i, reason in enumerate(reasons_raw):
        text = _need(reason, str, source, f"status.disqualify_reasons[{i}]", "text").strip()
        if not text:
            raise FrameworkError(source, f"status.disqualify_reasons[{i}]", "is empty")
        if text in reasons:
            raise FrameworkError(source, f"status.disqualify_reasons[{i}]", f'"{text}" is listed twice')
        reasons.append(text)
    if not reasons:
        raise FrameworkError(source, "status.disqualify_reasons", "needs at least one reason")
    qualified_min = _number(status_raw, "qualified_min_score", source, "status", 70.0, 0, 100)
    nurture_min = _number(status_raw, "nurture_min_score", source, "status", 30.0, 0, 100)
    if nurture_min > qualified_min:
        raise FrameworkError(source, "status.nurture_min_score",
                             f"({nurture_min:g}) is above qualified_min_score ({qualified_min:g})")
    rules = StatusRules(qualified_min, nurture_min, tuple(reasons))

    fields_raw = raw.get("fields")
    if fields_raw is None:
        raise FrameworkError(source, "", '"fields" is missing')
    _need(fields_raw, list, source, "fields", "a list of fields")
    if not fields_raw:
        raise FrameworkError(source, "fields", "is empty: a framework needs at least one field")
    fields: list[FieldDef] = []
    for i, fraw in enumerate(fields_raw):
        fields.append(_build_field(fraw, source, f"fields[{i}]", reasons, [f.key for f in fields]))
    if not any(f.weight > 0 for f in fields):
        raise FrameworkError(source, "fields", "no field has a weight above 0, so nothing can score")
    return Framework(fid, name, description, tuple(fields), rules, source, builtin)


def _build_field(fraw: Any, source: str, where: str, reasons: list[str], seen: list[str]) -> FieldDef:
    _need(fraw, dict, source, where, "an object")
    unknown = sorted(set(fraw) - _FIELD_KEYS)
    if unknown:
        raise FrameworkError(source, f"{where}.{unknown[0]}", "is not a known field setting "
                             f"(known: {', '.join(sorted(_FIELD_KEYS))})")
    key = _text(fraw, "key", source, where)
    if not _KEY.match(key):
        raise FrameworkError(source, f"{where}.key", f'"{key}" must be lower-case letters, digits or _')
    if key in seen:
        raise FrameworkError(source, f"{where}.key", f'"{key}" is used by another field')
    where = f"{where} ({key})"
    label = _text(fraw, "label", source, where)
    kind_raw = _text(fraw, "kind", source, where)
    try:
        kind = FieldKind(kind_raw)
    except ValueError:
        raise FrameworkError(source, f"{where}.kind", f'"{kind_raw}" is not one of '
                             f"{', '.join(k.value for k in FieldKind)}") from None
    required = fraw.get("required", False)
    _need(required, bool, source, f"{where}.required", "true or false")
    weight = _number(fraw, "weight", source, where, 0.0, 0, 1000)
    help_text = _text(fraw, "help", source, where, required=False)
    handoff = fraw.get("handoff")
    if handoff is not None and handoff not in HANDOFF_SECTIONS:
        raise FrameworkError(source, f"{where}.handoff", f'"{handoff}" is not one of '
                             f"{', '.join(HANDOFF_SECTIONS)}")
    min_amount = None
    if "min_amount" in fraw:
        if kind is not FieldKind.MONEY:
            raise FrameworkError(source, f"{where}.min_amount", "only applies to money fields")
        min_amount = _number(fraw, "min_amount", source, where, 0.0, 0, 1e15) or None
    choices: list[Choice] = []
    if kind in (FieldKind.SINGLE, FieldKind.MULTI):
        craw = fraw.get("choices")
        if craw is None:
            raise FrameworkError(source, where, f'a {kind.value} field needs "choices"')
        _need(craw, list, source, f"{where}.choices", "a list")
        if len(craw) < 2:
            raise FrameworkError(source, f"{where}.choices", "needs at least two choices")
        for j, c in enumerate(craw):
            cwhere = f"{where}.choices[{j}]"
            if isinstance(c, str):
                c = {"value": c}
            _need(c, dict, source, cwhere, "text or an object")
            unknown = sorted(set(c) - _CHOICE_KEYS)
            if unknown:
                raise FrameworkError(source, f"{cwhere}.{unknown[0]}", "is not a known choice setting")
            value = _text(c, "value", source, cwhere)
            if any(x.value == value for x in choices):
                raise FrameworkError(source, f"{cwhere}.value", f'"{value}" is listed twice')
            clabel = _text(c, "label", source, cwhere, required=False, default=value) or value
            score = _number(c, "score", source, cwhere, 1.0, 0, 1)
            disq = c.get("disqualifies")
            if disq is not None:
                _need(disq, str, source, f"{cwhere}.disqualifies", "a reason (text)")
                if disq not in reasons:
                    raise FrameworkError(source, f"{cwhere}.disqualifies", f'"{disq}" is not in '
                                         "status.disqualify_reasons")
            choices.append(Choice(value, clabel, score, disq))
    elif "choices" in fraw:
        raise FrameworkError(source, f"{where}.choices", f"a {kind.value} field has no choices")
    return FieldDef(key, label, kind, required, weight, help_text, tuple(choices), handoff, min_amount)


@dataclass(frozen=True)
class Catalog:
    """The frameworks on offer (shipped, then the user's) and the user files that were refused."""

    frameworks: tuple[Framework, ...]
    refused: tuple[FrameworkError, ...] = field(default_factory=tuple)

    def get(self, framework_id: str) -> Framework | None:
        return next((f for f in self.frameworks if f.id == framework_id), None)


def load_catalog(builtin_dir: Path, user_dirs: Iterable[Path] = ()) -> Catalog:
    """Shipped frameworks (a broken one is a bug: raised), then user files (refused ones listed).

    A user framework with the id of a shipped one replaces it.
    """
    found: dict[str, Framework] = {}
    for path in sorted(builtin_dir.glob("*.json")):
        fw = load_framework(path, builtin=True)
        found[fw.id] = fw
    refused: list[FrameworkError] = []
    for folder in user_dirs:
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.json")):
            try:
                fw = load_framework(path)
            except FrameworkError as exc:
                refused.append(exc)
                continue
            found[fw.id] = fw
    order = {"default": 0}
    ordered = sorted(found.values(), key=lambda f: (not f.builtin, order.get(f.id, 1), f.name.lower()))
    return Catalog(tuple(ordered), tuple(refused))


# -- answers ----------------------------------------------------------------------------------

def clean_answer(fdef: FieldDef, value: Any, person_ids: Iterable[str] | None = None) -> Any:
    """The stored form of an answer, or None for "not answered"; raises `AnswerError`.

    text: str; single_choice: the choice value; multi_choice: list of values (choice order);
    scale: int 1-5; date: "YYYY-MM-DD"; person: contact id (hex/UUID text) among `person_ids`
    when given; money: {"amount": float, "currency": "EUR"}.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    kind = fdef.kind
    if kind is FieldKind.TEXT:
        return str(value).strip()
    if kind is FieldKind.SINGLE:
        if fdef.choice(str(value)) is None:
            raise AnswerError(f"{fdef.label}: {value!r} is not one of the choices.")
        return str(value)
    if kind is FieldKind.MULTI:
        values = [value] if isinstance(value, str) else list(value)
        for v in values:
            if fdef.choice(str(v)) is None:
                raise AnswerError(f"{fdef.label}: {v!r} is not one of the choices.")
        chosen = {str(v) for v in values}
        return [c.value for c in fdef.choices if c.value in chosen] or None
    if kind is FieldKind.SCALE:
        try:
            number = int(value)
        except (TypeError, ValueError):
            raise AnswerError(f"{fdef.label} is a number from {SCALE_MIN} to {SCALE_MAX}.") from None
        if (isinstance(value, float) and value != number) or not SCALE_MIN <= number <= SCALE_MAX:
            raise AnswerError(f"{fdef.label} is a number from {SCALE_MIN} to {SCALE_MAX}.")
        return number
    if kind is FieldKind.DATE:
        if isinstance(value, date):
            return value.isoformat()
        try:
            return date.fromisoformat(str(value).strip()).isoformat()
        except ValueError:
            raise AnswerError(f"{fdef.label}: {value!r} is not a date (YYYY-MM-DD).") from None
    if kind is FieldKind.PERSON:
        text = str(value).strip().replace("-", "").lower()
        if person_ids is not None and text not in {p.replace("-", "").lower() for p in person_ids}:
            raise AnswerError(f"{fdef.label}: that person is not a contact of this account.")
        return text
    if kind is FieldKind.MONEY:
        return _clean_money(fdef, value)
    raise AssertionError(kind)  # pragma: no cover - every kind is handled above


def _clean_money(fdef: FieldDef, value: Any) -> dict[str, Any] | None:
    if isinstance(value, Mapping):
        amount_raw, currency = value.get("amount"), str(value.get("currency") or "").strip().upper()
    else:  # "50000 EUR", "EUR 50,000", "50000"
        parts = str(value).replace(",", "").split()
        currency = next((p.upper() for p in parts if p.isalpha()), "")
        amount_raw = next((p for p in parts if not p.isalpha()), None)
        if amount_raw is None:
            raise AnswerError(f"{fdef.label}: {value!r} is not an amount (e.g. 50000 USD).")
    if amount_raw is None or (isinstance(amount_raw, str) and not amount_raw.strip()):
        return None
    try:
        amount = float(str(amount_raw).replace(",", "").replace(" ", ""))
    except ValueError:
        raise AnswerError(f"{fdef.label}: {amount_raw!r} is not an amount.") from None
    if amount < 0:
        raise AnswerError(f"{fdef.label} cannot be negative.")
    if not currency:
        raise AnswerError(f"{fdef.label} needs a currency (e.g. USD, EUR).")
    if not _CURRENCY.match(currency) or not _known_currency(currency):
        raise AnswerError(f"{fdef.label}: {currency} is not a currency code (e.g. USD, EUR).")
    return {"amount": amount, "currency": currency}


def _known_currency(code: str) -> bool:
    try:
        import pycountry  # data-heavy: loaded on first money answer only
    except ImportError:  # pragma: no cover - a dependency
        return True
    return pycountry.currencies.get(alpha_3=code) is not None


def is_answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def field_fraction(fdef: FieldDef, value: Any) -> float:
    """How much of the field's weight an answer earns, 0-1."""
    if not is_answered(value):
        return 0.0
    if fdef.kind is FieldKind.SCALE:
        return (int(value) - SCALE_MIN) / (SCALE_MAX - SCALE_MIN)
    if fdef.kind is FieldKind.SINGLE:
        choice = fdef.choice(str(value))
        return choice.score if choice else 0.0
    if fdef.kind is FieldKind.MULTI:
        return min(1.0, sum((c.score for c in fdef.choices if c.value in value), 0.0))
    if fdef.kind is FieldKind.MONEY and fdef.min_amount:
        return min(1.0, float(value.get("amount", 0)) / fdef.min_amount)
    return 1.0


def assess(framework: Framework, answers: Mapping[str, Any],
           disqualify_reason: str | None = None) -> Assessment:
    """Score (0-100) and status from the answers.

    - disqualified: the rep gave a reason, or an answer's choice disqualifies;
    - qualified: every required field answered and the score reaches `qualified_min_score`
      (a missing required field blocks it, whatever the score);
    - nurture: score at or above `nurture_min_score`, or qualified-level but incomplete;
    - open: too little answered yet.
    """
    total = sum(f.weight for f in framework.fields)
    earned = sum(f.weight * field_fraction(f, answers.get(f.key)) for f in framework.fields)
    score = round(100.0 * earned / total, 1) if total else 0.0
    missing = tuple(f.label for f in framework.fields if f.required and not is_answered(answers.get(f.key)))
    answered = sum(1 for f in framework.fields if is_answered(answers.get(f.key)))
    reason = disqualify_reason.strip() if disqualify_reason and disqualify_reason.strip() else None
    if reason is None:
        for f in framework.fields:
            value = answers.get(f.key)
            values = value if isinstance(value, list) else [value]
            for v in values:
                choice = f.choice(str(v)) if f.choices and v is not None else None
                if choice is not None and choice.disqualifies:
                    reason = choice.disqualifies
                    break
            if reason:
                break
    rules = framework.rules
    if reason is not None:
        status = Status.DISQUALIFIED
    elif not missing and score >= rules.qualified_min_score:
        status = Status.QUALIFIED
    elif answered and (score >= rules.nurture_min_score or score >= rules.qualified_min_score):
        status = Status.NURTURE
    else:
        status = Status.OPEN
    return Assessment(score, status, missing, reason, answered)


def display_answer(fdef: FieldDef, value: Any, people: Mapping[str, str] | None = None) -> str:
    """An answer as the rep and the AE read it ("" when not answered)."""
    if not is_answered(value):
        return ""
    if fdef.kind is FieldKind.SINGLE:
        choice = fdef.choice(str(value))
        return choice.label if choice else str(value)
    if fdef.kind is FieldKind.MULTI:
        return ", ".join(c.label for c in fdef.choices if c.value in value)
    if fdef.kind is FieldKind.SCALE:
        return f"{value}/{SCALE_MAX}"
    if fdef.kind is FieldKind.MONEY:
        return f"{value['amount']:,.0f} {value['currency']}" if float(value["amount"]).is_integer() \
            else f"{value['amount']:,.2f} {value['currency']}"
    if fdef.kind is FieldKind.PERSON:
        return (people or {}).get(str(value), "(a former contact)")
    return str(value)
