"""Generic gaps found by the held-out set C (benchmarks/accuracy/dates/heldout_c.txt), each
tested here on sentences and dates of our own, not the held-out passages."""

from __future__ import annotations

import pytest

from newskit.testing import run_component

PUB = "2024-10-02"  # a Wednesday, ISO week 40


def found(text: str, published_at: str = PUB) -> dict[str, tuple[str, str, dict]]:
    return {f.text: (f.label, f.value, dict(f.attributes)) for f in
            run_component("dates", text, published_at=published_at)}


# -- the tense cue comes from the date's own clause -------------------------------------------


@pytest.mark.parametrize("text, expr, value", [
    # a reporting clause after a comma does not decide: the date's clause ("will") does
    ("The museum will reopen its east wing to visitors on September 20, the director said.",
     "September 20", "2025-09-20"),
    ("The ferry will sail to the island for the first time on Friday, officials told reporters.",
     "Friday", "2024-10-04"),
    ("The new line opens to passengers on March 3, the operator's chief executive announced.",
     "March 3", "2025-03-03"),
    # a clause break: the past verb after ";" belongs to another clause
    ("Members will cast their votes on the motion on November 28; it was tabled in July.",
     "November 28", "2024-11-28"),
])
def test_tense_from_the_dates_own_clause(text, expr, value):
    assert found(text)[expr][1] == value


def test_a_past_clause_keeps_the_past():
    # the same shapes with a past verb in the date's own clause stay in the past
    assert found("The museum reopened on September 20, the director said.")["September 20"][1] \
        == "2024-09-20"
    assert found("The motion was tabled on July 9; members will vote later.")["July 9"][1] \
        == "2024-07-09"


# -- a verb of rescheduling points ahead, whatever its auxiliary --------------------------------


@pytest.mark.parametrize("text, expr, value", [
    ("The final has been switched to Saturday.", "Saturday", "2024-10-05"),
    ("The launch has been postponed to Monday, the agency told reporters.", "Monday", "2024-10-07"),
    ("The summit has been brought forward to Tuesday.", "Tuesday", "2024-10-08"),
    # a clock time between the target and the day: "switched to 4 p.m. on Friday"
    ("The vote has been switched to 4 p.m. on Friday.", "Friday", "2024-10-04"),
    ("The vote has been switched to 4 p.m. on Friday.", "4 p.m.", "2024-10-04T16:00"),
])
def test_rescheduled_to_a_weekday(text, expr, value):
    assert found(text)[expr][1] == value


# -- the end of a range is resolved from its start ------------------------------------------------


@pytest.mark.parametrize("text, published, start, end", [
    # published on a Wednesday: a future "Tuesday" alone would be the next day; "Thursday"
    # alone in the past would be the day before "Friday"
    ("The fair runs from Friday through Tuesday.", PUB, ("Friday", "2024-10-04"), ("Tuesday", "2024-10-08")),
    ("The line was shut from Saturday until Tuesday.", PUB, ("Saturday", "2024-09-28"),
     ("Tuesday", "2024-10-01")),
    # no tense cue: each alone would be the nearest day or month, here the end before the start
    ("The museum stays shut from Thursday to Tuesday.", PUB, ("Thursday", "2024-10-03"),
     ("Tuesday", "2024-10-08")),
    ("The ski lifts run from November to February.", "2024-07-01", ("November", "2024-11"),
     ("February", "2025-02")),
    ("Between Thursday and Monday, the shops will stay closed.", PUB, ("Thursday", "2024-10-03"),
     ("Monday", "2024-10-07")),
    # across a new year: the end falls in the year after the start
    ("The ice rink opens from December 20 to January 6.", PUB, ("December 20", "2024-12-20"),
     ("January 6", "2025-01-06")),
    ("Rents rose between October and March.", "2025-05-14", ("October", "2024-10"), ("March", "2025-03")),
])
def test_range_end_after_its_start(text, published, start, end):
    got = found(text, published)
    assert got[start[0]][1] == start[1]
    assert got[end[0]][1] == end[1]


# -- quarters and halves: "the last quarter of 2019", "the first half", "the same period" -------


@pytest.mark.parametrize("text, expr, value", [
    ("Orders slumped in the final quarter of 2021.", "the final quarter of 2021", "2021-Q4"),
    ("Output recovered in the last quarter of last year.", "the last quarter of last year", "2023-Q4"),
    ("Exports grew in the last half of 2018.", "the last half of 2018", "2018-H2"),
    # a bare half is a half of the publication year in a sentence about a reporting period
    ("The airline expects a profit in the second half.", "the second half", "2024-H2"),
    ("Revenue was flat in the first half, the bank said.", "the first half", "2024-H1"),
    # the same period in another year: the last date's quarter, half or month, shifted
    ("Sales rose 8% in the second quarter from the same period last year.",
     "the same period last year", "2023-Q2"),
    ("Exports in March were 4% above the same month a year earlier.",
     "the same month a year earlier", "2023-03"),
])
def test_quarter_and_half_phrases(text, expr, value):
    assert found(text)[expr][1] == value


def test_a_half_of_a_match_is_no_date():
    assert found("The visitors scored twice in the first half.") == {}
    assert found("Both goals came in the second half of the match.") == {}


def test_the_last_quarter_alone_stays_a_span():
    assert found("Prices rose over the last quarter.")["the last quarter"][1] == "P1Q"


# -- a holiday written as a date, a set with a part of the day, an adjective in a duration ------


def test_holiday_written_as_a_date():
    label, value, _ = found("Town bands will play on the Fourth of July.", "2023-05-20")["the Fourth of July"]
    assert (label, value) == ("DATE", "2023-07-04")


@pytest.mark.parametrize("text, expr, value", [
    ("The bridge shuts every Sunday night for inspections.", "every Sunday night", "XXXX-WXX-7TNI"),
    ("The choir rehearses every Tuesday evening.", "every Tuesday evening", "XXXX-WXX-2TEV"),
])
def test_set_with_a_part_of_the_day(text, expr, value):
    assert found(text)[expr][:2] == ("SET", value)


@pytest.mark.parametrize("text, expr, value", [
    ("The index has risen for six consecutive weeks.", "six consecutive weeks", "P6W"),
    ("Unemployment fell for three straight months.", "three straight months", "P3M"),
    ("The talks ran for two full days.", "two full days", "P2D"),
])
def test_duration_with_an_adjective(text, expr, value):
    assert found(text)[expr][:2] == ("DURATION", value)


@pytest.mark.parametrize("text, expr, value", [
    # moving house or club is no postponement: "moved" is a past verb here
    ("The club moved to Lisbon on Monday after the deal was signed.", "Monday", "2024-09-30"),
    # moving an event to a day is one ("to" right before the date, or before a clock time)
    ("The final was moved to Friday because of the storm.", "Friday", "2024-10-04"),
    ("Organisers moved the ceremony to 3 p.m. on Thursday.", "Thursday", "2024-10-03"),
])
def test_moved_to_points_forward_only_when_the_date_is_moved(text, expr, value):
    assert found(text)[expr][1] == value
