"""Tests of the dates component: one group per phenomenon, config, contract, robustness."""

from __future__ import annotations

import datetime as dt
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import newskit
from newskit.testing import assert_valid_findings, assert_valid_result, make_document, run_component

from newskit_dates._timex import is_timex3_value

PUB = "2024-10-02"  # a Wednesday, ISO week 40
SEED = Path(__file__).resolve().parents[3] / "seeds" / "000_2e2a1c2ac25b84df.txt"  # the sample article ships in the repository


def dates(text: str, published_at=PUB, **config) -> list[tuple[str, str, str]]:
    found = run_component("dates", text, published_at=published_at, config=config or None)
    return [(f.text, f.label, f.value) for f in found]


def value_of(text: str, expr: str, published_at=PUB, **config) -> str | None:
    for got, _, value in dates(text, published_at, **config):
        if got == expr:
            return value
    raise AssertionError(f"{expr!r} not found in {dates(text, published_at, **config)}")


@pytest.mark.parametrize(
    "text, expr, value",
    [
        ("The deal was signed on October 2, 2024.", "October 2, 2024", "2024-10-02"),
        ("Elections were held on 2 October 2024.", "2 October 2024", "2024-10-02"),
        ("The firm closed on Oct. 2.", "Oct. 2", "2024-10-02"),
        ("The memo dated 2024-09-15 leaked.", "2024-09-15", "2024-09-15"),
        ("Inflation was this high in the 1990s.", "the 1990s", "199"),
        ("The church dates from the 19th century.", "the 19th century", "18"),
        ("Revenue rose in fiscal 2025.", "fiscal 2025", "FY2025"),
        ("Sales fell in Q3 2024.", "Q3 2024", "2024-Q3"),
        ("Profits fell in the third quarter.", "the third quarter", "2024-Q3"),
        ("The band toured in summer 2023.", "summer 2023", "2023-SU"),
        ("In 2019, the firm moved.", "2019", "2019"),
        ("Sales slumped in January.", "January", "2024-01"),
    ],
)
def test_absolute_dates(text, expr, value):
    assert value_of(text, expr) == value


@pytest.mark.parametrize(
    "text, expr, value, mod",
    [
        ("The plant opens by mid-2025.", "mid-2025", "2025", "MID"),
        ("Prices fell in early March.", "early March", "2024-03", "START"),
        ("Growth slowed late last year.", "late last year", "2023", "END"),
        ("It lasted more than a decade.", "more than a decade", "P1E", "MORE_THAN"),
        ("It ends by the end of the year.", "the end of the year", "2024", "END"),
    ],
)
def test_modifiers(text, expr, value, mod):
    found = {f.text: f for f in run_component("dates", text, published_at=PUB)}
    assert found[expr].value == value
    assert found[expr].attributes.get("mod") == mod


def test_numeric_day_month_order_is_configurable():
    text = "The contract is dated 03/04/2024."
    assert value_of(text, "03/04/2024") == "2024-03-04"
    assert value_of(text, "03/04/2024", day_first=True) == "2024-04-03"
    assert value_of("It is dated 25/12/2024.", "25/12/2024") == "2024-12-25"


@pytest.mark.parametrize(
    "text, expr, value",
    [
        ("The president speaks today.", "today", "2024-10-02"),
        ("The talks collapsed yesterday.", "yesterday", "2024-10-01"),
        ("Results come tomorrow.", "tomorrow", "2024-10-03"),
        ("Fans gathered tonight.", "tonight", "2024-10-02TNI"),
        ("The talks began last week.", "last week", "2024-W39"),
        ("The law takes effect next month.", "next month", "2024-11"),
        ("Prices rose this year.", "this year", "2024"),
        ("The firm was founded two years ago.", "two years ago", "2022"),
        ("The vote will take place in three weeks.", "three weeks", "2024-W43"),
        ("Tensions rose earlier this month.", "earlier this month", "2024-10"),
        ("Storms hit this morning.", "this morning", "2024-10-02TMO"),
        ("The minister spoke last night.", "last night", "2024-10-01TNI"),
    ],
)
def test_relative_to_publication(text, expr, value):
    assert value_of(text, expr) == value


def test_relative_findings_are_anchored_on_publication():
    (f,) = run_component("dates", "The talks collapsed yesterday.", published_at=PUB)
    assert f.attributes["anchor"] == "published"


@pytest.mark.parametrize(
    "text, value",
    [
        ("The minister resigned on Monday.", "2024-09-30"),
        ("Parliament will vote on Friday.", "2024-10-04"),
        ("The hearing was postponed until Thursday.", "2024-10-03"),
        ("The team is due to fly home on Monday.", "2024-10-07"),
        ("The deal was signed last Tuesday.", "2024-10-01"),
    ],
)
def test_weekdays_follow_the_tense(text, value):
    assert [v for _, _, v in dates(text)] == [value]


def test_default_direction_is_configurable():
    text = "The summit is on Friday."  # published on Wednesday 2024-10-02, no tense cue
    assert value_of(text, "Friday") == "2024-10-04"  # nearest: two days ahead
    assert value_of(text, "Friday", default_direction="past") == "2024-09-27"
    assert value_of(text, "Friday", default_direction="future") == "2024-10-04"


def test_a_capitalised_word_in_ed_is_no_past_tense_cue():
    # "United" after the date must not turn "will face" into a past reference.
    text = "City will face Inter on June 10, while United begin their tour in July."
    found = {t: v for t, _, v in dates(text, published_at="2023-06-04")}
    assert found == {"June 10": "2023-06-10", "July": "2023-07"}


def test_yearless_dates_take_the_year_the_tense_points_to():
    assert value_of("The attack happened on December 24.", "December 24", "2023-01-10") == "2022-12-24"
    assert value_of("The summit will take place on December 5.", "December 5", "2023-01-10") == "2023-12-05"


def test_anaphoric_anchor_refers_to_the_previous_date():
    doc = make_document("The fire began on March 3, 2023. The next day, it reached the town.",
                        published_at=PUB)
    result = newskit.Pipeline(components=["dates"]).run(doc)
    assert_valid_result(result)
    first, nxt = result.of_kind("date")
    assert nxt.value == "2023-03-04"
    assert nxt.attributes["anchor"] == first.id == newskit.finding_id("date", first.start, first.end)
    assert nxt.refs["anchor"] == first.id


@pytest.mark.parametrize(
    "text, expected",
    [
        ("The festival will run between March 3 and 5.", ["2025-03-03", "2025-03-05"]),
        ("The exhibition ran from May to July 2023.", ["2023-05", "2023-07"]),
        ("Trading stopped from 3 to 5 August 2022.", ["2022-08-03", "2022-08-05"]),
    ],
)
def test_range_endpoints_share_month_and_year(text, expected):
    assert [v for _, _, v in dates(text)] == expected


@pytest.mark.parametrize(
    "text, expr, label, value",
    [
        ("The talks lasted three years.", "three years", "DURATION", "P3Y"),
        ("He served two weeks in jail.", "two weeks", "DURATION", "P2W"),
        ("The flight took six hours.", "six hours", "DURATION", "PT6H"),
        ("Trials could last several months.", "several months", "DURATION", "PXM"),
        ("The market opens every Monday.", "every Monday", "SET", "XXXX-WXX-1"),
        ("The report is published annually.", "annually", "SET", "P1Y"),
        ("The board meets every two weeks.", "every two weeks", "SET", "P2W"),
        ("It meets twice a year.", "twice a year", "SET", "P1Y"),
        ("The shop is shut on Sundays.", "Sundays", "SET", "XXXX-WXX-7"),
    ],
)
def test_durations_and_sets(text, expr, label, value):
    assert (expr, label, value) in dates(text)


@pytest.mark.parametrize(
    "text, expr, value",
    [
        ("The speech begins at 3 p.m. EDT.", "3 p.m. EDT", "2024-10-02T15:00-04:00"),
        ("The blast happened at 10:30 am.", "10:30 am", "2024-10-02T10:30"),
        ("The deadline is midnight.", "midnight", "2024-10-02T24:00"),
        ("The quake struck at 0230 GMT.", "0230 GMT", "2024-10-02T02:30Z"),
        ("Voting ended at 9pm on Tuesday.", "9pm", "2024-10-01T21:00"),
    ],
)
def test_clock_times(text, expr, value):
    assert value_of(text, expr) == value


@pytest.mark.parametrize(
    "text, expr, value",
    [
        ("The company is now the largest.", "now", "PRESENT_REF"),
        ("The minister recently visited.", "recently", "PAST_REF"),
        ("Attacks could rise in the future.", "the future", "FUTURE_REF"),
        ("In the past, deals were rare.", "the past", "PAST_REF"),
    ],
)
def test_reference_words(text, expr, value):
    assert value_of(text, expr) == value


@pytest.mark.parametrize(
    "text, expr, published, value",
    [
        ("Shops expect record sales before Christmas.", "Christmas", PUB, "2024-12-25"),
        ("The church was packed on Easter Sunday.", "Easter Sunday", PUB, "2024-03-31"),
        ("Families will travel for Thanksgiving.", "Thanksgiving", "2021-11-23", "2021-11-25"),
        ("Attacks rose during Ramadan.", "Ramadan", "2023-06-01", "2023-03-23"),
    ],
)
def test_holidays(text, expr, published, value):
    assert value_of(text, expr, published) == value


def test_anniversary_needs_a_base_year():
    assert value_of("They marked the 75th anniversary of the revolution of 1949.",
                    "the 75th anniversary") == "2024"
    assert [t for t, _, _ in dates("They marked the 75th anniversary of the ties.")] == []


@pytest.mark.parametrize(
    "text",
    [
        "The Boeing 747 was grounded.",
        "COVID-19 cases rose.",
        "Theresa May said the plan would fail.",
        "May said she would not resign.",
        "United secured a 2-1 win.",
        "Call 020 7946 0958 for help.",
        "Inflation hit 25% and tickets cost $300.",
        "See page 12 and chapter 7.",
        "Thousands joined the March on Washington.",
        "The firm may cut jobs.",
        "The company employs about 2000 people.",
        "The Sunday Times ran the story.",
        "Euro 2024 will be hosted by Germany.",
    ],
)
def test_traps_do_not_fire(text):
    assert dates(text) == []


def test_sample_article():
    text = SEED.read_text(encoding="utf-8")
    found = {f.text: f.value for f in run_component("dates", text, published_at=PUB)}
    assert found["October 2"] == "2024-10-02"
    assert found["now"] == "PRESENT_REF"
    assert "the 75th anniversary" not in found
    bare = {f.text: f.value for f in run_component("dates", text)}
    assert bare["October 2"] == "XXXX-10-02"


@pytest.mark.parametrize(
    "text, expr, value",
    [
        ("The treaty was signed on October 2.", "October 2", "XXXX-10-02"),
        ("The minister resigned on Monday.", "Monday", "XXXX-WXX-1"),
        ("Sales rose last year.", "last year", "XXXX"),
        ("The deal was signed on May 3, 2021.", "May 3, 2021", "2021-05-03"),
    ],
)
def test_without_publication_date_values_stay_underspecified(text, expr, value):
    assert value_of(text, expr, None) == value


def test_unresolved_can_be_dropped():
    found = dates("It was signed on October 2 and in 1998.", None, emit_unresolved=False)
    assert [t for t, _, _ in found] == ["1998"]


def test_published_at_may_be_a_datetime():
    when = dt.datetime(2024, 10, 2, 23, 30, tzinfo=dt.timezone.utc)
    assert value_of("The talks collapsed yesterday.", "yesterday", when) == "2024-10-01"


def test_types_filter():
    text = "The talks lasted three years and began on Monday."
    assert {label for _, label, _ in dates(text, types=["DATE"])} == {"DATE"}
    assert {label for _, label, _ in dates(text)} == {"DATE", "DURATION"}


def test_bad_config_names_the_setting():
    with pytest.raises(newskit.ConfigError, match="default_direction|dates"):
        newskit.Pipeline(components=["dates"], config={"dates": {"default_direction": "sideways"}})
    with pytest.raises(newskit.ConfigError, match="types|TIMEX3"):
        newskit.Pipeline(components=["dates"], config={"dates": {"types": ["DATE", "EVENT"]}})


@pytest.mark.parametrize(
    "value, ok",
    [
        ("2024-10-02", True), ("2024-W40", True), ("2024-W40-WE", True), ("2024-Q3", True),
        ("2024-SU", True), ("199", True), ("18", True), ("FY2025", True), ("P3Y", True),
        ("PT6H", True), ("P1E", True), ("P2.5Y", True), ("PXY", True), ("XXXX-WXX-1", True),
        ("XXXX-10-02", True), ("PRESENT_REF", True), ("2024-10-02T15:00-04:00", True),
        ("2024-10-02TNI", True), ("XXXX-XX-XXTMO", True),
        ("2024-13", False), ("P", False), ("yesterday", False), ("2024-10-02T25:00", False),
        ("", False), (None, False), ("2024-Q5", False),
    ],
)
def test_timex3_validator(value, ok):
    assert is_timex3_value(value) is ok


def test_every_value_on_the_dev_set_is_well_formed():
    dev = Path(__file__).resolve().parents[3] / "benchmarks" / "accuracy" / "dates" / "dev.txt"
    text = "\n".join(line.partition(" | ")[2] for line in dev.read_text().splitlines() if " | " in line)
    import re

    text = re.sub(r"\[([^\]]+)\]\{[^}]*\}", r"\1", text)
    found = run_component("dates", text, published_at=PUB)
    assert len(found) > 300
    bad = [(f.text, f.value) for f in found if not is_timex3_value(f.value)]
    assert bad == []


def test_import_is_cheap():
    code = ("import sys, newskit_dates; "
            "assert 'newskit_dates._tagger' not in sys.modules, 'tagger imported eagerly'")
    subprocess.run([sys.executable, "-c", code], check=True)


_TEXT = st.text(
    alphabet=st.sampled_from(list("0123456789 -/.,:'’apmMAYMayJunetodyesrwkQ3\n\u202e\u0130é🙂\x00\"")),
    max_size=120,
) | st.text(max_size=80)
_PHRASES = st.lists(
    st.sampled_from(["May 3", "on Monday", "2024", "two years ago", "3 p.m. EDT", "the 1990s",
                     "between March 3 and 5", "Q3", "every", "the next day", "İ", "\u200f",
                     "“", "mid-", "early", "last", "'90s", "12/31/2024", "0230 GMT", "now"]),
    max_size=12,
).map(" ".join)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXT | _PHRASES, published=st.sampled_from([None, PUB, "2001-02-28T23:59:00+05:00"]))
def test_property_spans_inside_text_and_values_well_formed(text, published):
    doc = make_document(text, published_at=published)
    found = run_component("dates", doc)
    assert_valid_findings(doc, found)
    for f in found:
        assert 0 <= f.start < f.end <= len(text)
        assert text[f.start:f.end] == f.text
        assert f.label in ("DATE", "TIME", "DURATION", "SET")
        assert is_timex3_value(f.value), f.value


def test_long_line_does_not_break():
    text = ("On Monday, 3 May 2021 prices rose 5% " * 20000) + "x" * 1_000_000
    found = run_component("dates", text, published_at=PUB)
    assert len(found) == 20000  # "Monday, 3 May 2021" is one expression


# -- the fast scan finds what the plain one does ------------------------------------------

_SCAN_TEXT = st.lists(
    st.sampled_from(list("0123456789 -'.:,;()\"$£%/_\n\t\u00a0\u2009é٢—İ")
                    + ["may", "day", "days", "year-round", "al-fitr", "q3", "h1", "10:30",
                       " pm", "a.m.", "o'clock", "anniversary", "1990s", "'90s", "0230 gmt",
                       "monday", "now", "eve", "week"]),
    max_size=60,
).map("".join)


@pytest.fixture(scope="module")
def tagger():
    from newskit_dates import DatesConfig, load_lexicon
    from newskit_dates._tagger import Tagger

    return Tagger(load_lexicon(), DatesConfig())


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_SCAN_TEXT)
def test_property_fast_trigger_scan_equals_plain_scan(tagger, text):
    lower = text.lower().replace("’", "'")
    if len(lower) != len(text):
        return
    plain = [(t.start(), t.end(), t.lastgroup) for t in tagger.trigger.finditer(lower)]
    assert tagger._triggers(lower) == plain


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(text=_SCAN_TEXT, cut=st.integers(min_value=0, max_value=80))
def test_property_previous_word_equals_its_pattern(tagger, text, cut):
    from newskit_dates._tagger import _PREV_WORD

    lower = text.lower()
    s = min(cut, len(lower))
    m = _PREV_WORD.search(lower, max(0, s - 40), s)
    assert tagger._prev(lower, s) == (m.group(1).strip(".") if m else "")
