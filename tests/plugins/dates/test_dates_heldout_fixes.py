"""Generic gaps found by the held-out set A (benchmarks/accuracy/dates/heldout_a.txt), each
tested here on other sentences and dates than the held-out passages use."""

from __future__ import annotations

import pytest

from newskit.testing import run_component

PUB = "2024-10-02"  # a Wednesday, ISO week 40


def found(text: str, published_at: str = PUB) -> dict[str, tuple[str, str, dict]]:
    return {f.text: (f.label, f.value, dict(f.attributes)) for f in
            run_component("dates", text, published_at=published_at)}


# -- possessives: "Thursday's vote", "last year's total" ----------------------------------------


@pytest.mark.parametrize("text, expr, value", [
    ("Turnout in Sunday's run-off was low.", "Sunday", "2024-09-29"),
    ("Results of Tuesday's vote were delayed.", "Tuesday", "2024-10-01"),
    ("Exports were twice last year's level.", "last year", "2023"),
    ("Next month's summit was cancelled.", "Next month", "2024-11"),
    ("Investors await this week's figures.", "this week", "2024-W40"),
])
def test_possessive_of_a_date(text, expr, value):
    assert found(text)[expr][1] == value


def test_possessive_of_a_name_like_a_month_is_no_date():
    assert found("April's husband said May's speech was short.") == {}


def test_possessive_of_a_newspaper_name_is_no_date():
    assert found("The Sunday Times's editor resigned.") == {}


# -- "last June", "next March" ------------------------------------------------------------------


@pytest.mark.parametrize("text, expr, value, pub", [
    ("Prices have risen since last June.", "last June", "2023-06", "2024-03-10"),
    ("Prices have risen since last June.", "last June", "2024-06", "2024-09-10"),
    ("The plant reopens next March.", "next March", "2025-03", "2024-05-10"),
    ("The plant reopens next March.", "next March", "2024-03", "2024-01-10"),  # the nearest March ahead
    ("Elections are due this November.", "this November", "2024-11", "2024-05-10"),
])
def test_month_with_last_next_this(text, expr, value, pub):
    assert found(text, pub)[expr][1] == value


# -- anaphora anchored on a part of a day -------------------------------------------------------


def test_following_day_after_a_weekday_night():
    got = found("The storm hit on Saturday night. Power returned the following day.", "2024-10-02")
    assert got["Saturday night"][1] == "2024-09-28TNI"
    assert got["the following day"][1] == "2024-09-29"


# -- "the past 24 hours" ------------------------------------------------------------------------


@pytest.mark.parametrize("text, expr, value", [
    ("Ten people died in the past 48 hours.", "the past 48 hours", "PT48H"),
    ("Prices doubled in the past two years.", "the past two years", "P2Y"),
])
def test_the_past_with_a_number_is_a_duration(text, expr, value):
    got = found(text)
    assert got[expr][:2] == ("DURATION", value)
    assert "the past" not in got


def test_the_past_alone_is_still_a_past_reference():
    assert found("In the past, such deals were rare.")["the past"][1] == "PAST_REF"


# -- "the three months to March" ----------------------------------------------------------------


@pytest.mark.parametrize("text, end", [
    ("Output shrank in the six months to September.", "September"),
    ("Profit rose in the 12 months through June.", "June"),
])
def test_reporting_period_named_by_its_end(text, end):
    got = found(text)
    assert list(got) == [end]


def test_duration_after_for_is_kept():
    assert found("The ban will last for three months to protect the fish.")["three months"][1] == "P3M"


# -- the direction of a year-less date ----------------------------------------------------------


@pytest.mark.parametrize("text, expr, value", [
    # modal verbs point ahead
    ("The governor said he would step down by November.", "November", "2024-11"),
    ("Officials warned the talks might not end until Friday.", "Friday", "2024-10-04"),
    # a verb of putting off and "to"/"until" right before the date
    ("The court postponed the hearing until January 14.", "January 14", "2025-01-14"),
    ("The bank extended the offer to November 30.", "November 30", "2024-11-30"),
    ("Ministers delayed the vote on the budget to December 3.", "December 3", "2024-12-03"),
])
def test_future_direction_cues(text, expr, value):
    assert found(text)[expr][1] == value


def test_plain_past_keeps_the_past():
    assert found("The court ruled on September 12 that the law was void.")["September 12"][1] == "2024-09-12"


# -- an approximate clock time ------------------------------------------------------------------


@pytest.mark.parametrize("text, expr, value", [
    ("Shots were fired at around 9 p.m.", "around 9 p.m.", "2024-10-02T21:00"),
    ("The ferry left at approximately 6.45am.", "approximately 6.45am", "2024-10-02T06:45"),
])
def test_approximate_time(text, expr, value):
    label, got, attrs = found(text)[expr]
    assert (label, got) == ("TIME", value)
    assert attrs.get("mod") == "APPROX"


def test_modal_before_a_past_looking_verb_points_ahead():
    # "last" is a past cue ("last Monday"), but "will last" is the verb, and it points ahead
    assert found("The festival will last four days and close on Sunday.")["Sunday"][1] == "2024-10-06"
    assert found("The festival lasted four days and closed on Sunday.")["Sunday"][1] == "2024-09-29"
