"""Qualification frameworks: the shipped files load, malformed ones are refused by name and
place, answers are cleaned per kind, and score/status follow the file's rules."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from sdrdesk.domain.qualification import (
    AnswerError,
    FieldKind,
    FrameworkError,
    Status,
    assess,
    clean_answer,
    display_answer,
    load_catalog,
    parse_framework,
)
from sdrdesk.resources_path import resource_path

BUILTIN = resource_path("data", "frameworks")


def _minimal(**overrides: object) -> dict:
    raw: dict = {
        "format": 1, "id": "mine", "name": "Mine",
        "fields": [
            {"key": "pain", "label": "Pain", "kind": "text", "required": True, "weight": 50},
            {"key": "fit", "label": "Fit", "kind": "scale", "weight": 50},
        ],
        "status": {"qualified_min_score": 70, "nurture_min_score": 30, "disqualify_reasons": ["No pain"]},
    }
    raw.update(overrides)
    return raw


def test_each_shipped_framework_loads_with_all_kinds_covered() -> None:
    catalog = load_catalog(BUILTIN)
    ids = [f.id for f in catalog.frameworks]
    assert ids[0] == "default"
    assert set(ids) == {"default", "bant", "meddic", "champ", "anum"}
    kinds = {f.kind for fw in catalog.frameworks for f in fw.fields}
    assert kinds == set(FieldKind)  # every kind is used by at least one shipped framework
    for fw in catalog.frameworks:
        assert fw.rules.disqualify_reasons
        assert any(f.required for f in fw.fields)
        assert any(f.handoff == "pain" for f in fw.fields), fw.id
    default = catalog.get("default")
    assert default is not None
    assert [f.key for f in default.fields][:3] == ["why_replied", "icp_fit", "pain"]
    assert {f.key for f in default.fields} >= {"icp_fit", "pain", "authority", "timeline", "impact"}


@pytest.mark.parametrize(("mutate", "location", "problem"), [
    (lambda r: r["fields"][1].update(kind="slider"), "fields[1] (fit).kind", '"slider" is not one of'),
    (lambda r: r["fields"][0].pop("label"), "fields[0] (pain)", '"label" is missing'),
    (lambda r: r["fields"][1].update(weight="high"), "fields[1] (fit).weight", "must be a number"),
    (lambda r: r["fields"][1].update(weight=-1), "fields[1] (fit).weight", "between 0 and 1000"),
    (lambda r: r["fields"][1].update(key="pain"), "fields[1].key", "used by another field"),
    (lambda r: r["fields"][1].update(required="yes"), "fields[1] (fit).required", "true or false"),
    (lambda r: r["fields"][1].update(kind="single_choice"), "fields[1] (fit)", 'needs "choices"'),
    (lambda r: r["fields"][1].update(kind="single_choice", choices=["a", "a"]),
     "fields[1] (fit).choices[1].value", "listed twice"),
    (lambda r: r["fields"][1].update(kind="single_choice", choices=[
        "a", {"value": "b", "disqualifies": "Too small"}]),
     "fields[1] (fit).choices[1].disqualifies", "not in status.disqualify_reasons"),
    (lambda r: r["fields"][1].update(handoff="gossip"), "fields[1] (fit).handoff", "is not one of"),
    (lambda r: r["fields"][1].update(colour="red"), "fields[1].colour", "not a known field setting"),
    (lambda r: r["status"].update(disqualify_reasons=[]), "status.disqualify_reasons", "at least one"),
    (lambda r: r["status"].update(nurture_min_score=90), "status.nurture_min_score", "above"),
    (lambda r: r.update(id="My Framework"), "id", "lower-case"),
    (lambda r: r.update(format=2), "format", "not supported"),
    (lambda r: r.update(fields=[]), "fields", "at least one field"),
    (lambda r: [f.update(weight=0) for f in r["fields"]], "fields", "nothing can score"),
])
def test_malformed_definition_is_refused_naming_problem_and_place(mutate, location: str,
                                                                  problem: str) -> None:
    raw = _minimal()
    mutate(raw)
    with pytest.raises(FrameworkError) as info:
        parse_framework(json.dumps(raw), "mine.json")
    assert info.value.location == location
    assert problem in info.value.problem
    assert str(info.value).startswith(f"mine.json: {location}: ")


def test_broken_json_names_line_and_column() -> None:
    with pytest.raises(FrameworkError) as info:
        parse_framework('{"id": "x",\n  "name": }', "broken.json")
    assert info.value.location == "line 2, column 11"
    assert "not valid JSON" in str(info.value)


def test_user_frameworks_are_added_and_bad_ones_listed_not_fatal(tmp_path: Path) -> None:
    (tmp_path / "mine.json").write_text(json.dumps(_minimal()), encoding="utf-8")
    (tmp_path / "bad.json").write_text(json.dumps(_minimal(fields="none")), encoding="utf-8")
    override = _minimal(id="bant", name="Our BANT")
    (tmp_path / "bant.json").write_text(json.dumps(override), encoding="utf-8")
    catalog = load_catalog(BUILTIN, [tmp_path, tmp_path / "absent"])
    assert catalog.get("mine") is not None and not catalog.get("mine").builtin
    assert catalog.get("bant").name == "Our BANT"  # the user's wins over the shipped one
    assert [e.location for e in catalog.refused] == ["fields"]
    assert "bad.json" in catalog.refused[0].source


def test_answers_are_cleaned_per_kind() -> None:
    fw = load_catalog(BUILTIN).get("meddic")
    assert fw is not None
    criteria = fw.field("decision_criteria")
    assert clean_answer(criteria, ["security", "price"]) == ["price", "security"]  # choice order
    with pytest.raises(AnswerError):
        clean_answer(criteria, ["colour"])
    value = fw.field("metrics_value")
    assert clean_answer(value, "120,000 eur") == {"amount": 120000.0, "currency": "EUR"}
    assert clean_answer(value, {"amount": "5000", "currency": "usd"}) == {"amount": 5000.0, "currency": "USD"}
    with pytest.raises(AnswerError, match="currency"):
        clean_answer(value, "5000")
    with pytest.raises(AnswerError, match="not a currency"):
        clean_answer(value, "5000 XYZ")
    date_field = fw.field("decision_date")
    assert clean_answer(date_field, "2026-06-30") == "2026-06-30"
    with pytest.raises(AnswerError, match="not a date"):
        clean_answer(date_field, "next June")
    buyer = fw.field("economic_buyer")
    assert clean_answer(buyer, "AB-CD", person_ids=["abcd"]) == "abcd"
    with pytest.raises(AnswerError, match="not a contact"):
        clean_answer(buyer, "ffff", person_ids=["abcd"])
    scale = load_catalog(BUILTIN).get("default").field("icp_fit")
    assert clean_answer(scale, "4") == 4
    for bad in ("6", 0, "x", 2.5):
        with pytest.raises(AnswerError):
            clean_answer(scale, bad)
    assert clean_answer(scale, "  ") is None  # cleared
    assert display_answer(value, {"amount": 120000.0, "currency": "EUR"}) == "120,000 EUR"
    assert display_answer(buyer, "abcd", {"abcd": "Ana Ruiz"}) == "Ana Ruiz"
    assert display_answer(criteria, ["price", "security"]) == "Price, Security / compliance"


def test_score_and_status_rules() -> None:
    fw = parse_framework(json.dumps(_minimal()), "mine.json")
    nothing = assess(fw, {})
    assert (nothing.score, nothing.status, nothing.missing) == (0.0, Status.OPEN, ("Pain",))
    # A high score without the required field is never "qualified".
    only_fit = assess(fw, {"fit": 5})
    assert only_fit.score == 50.0 and only_fit.status is Status.NURTURE and only_fit.blocks_qualified
    full = assess(fw, {"pain": "Manual reconciliation, 3 days a month", "fit": 4})
    assert full.score == 87.5 and full.status is Status.QUALIFIED and full.missing == ()
    weak = assess(fw, {"pain": "some", "fit": 1})
    assert weak.score == 50.0 and weak.status is Status.NURTURE
    low = assess(fw, {"fit": 2})
    assert low.score == 12.5 and low.status is Status.OPEN
    gone = assess(fw, {"pain": "x", "fit": 5}, disqualify_reason="No pain")
    assert gone.status is Status.DISQUALIFIED and gone.disqualify_reason == "No pain"


def test_a_disqualifying_choice_disqualifies_with_its_reason() -> None:
    fw = load_catalog(BUILTIN).get("bant")
    answers = {"budget": {"amount": 1.0, "currency": "USD"}, "budget_status": "none",
               "authority": "decision_maker", "need": "x", "timeline": "2026-05-01"}
    result = assess(fw, answers)
    assert result.status is Status.DISQUALIFIED and result.disqualify_reason == "No budget"
    answers["budget_status"] = "approved"
    result = assess(fw, answers)
    assert result.status is Status.QUALIFIED and result.score == 90.0  # need_strength (10) unanswered
