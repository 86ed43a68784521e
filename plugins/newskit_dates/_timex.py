"""TIMEX3 values: the calendar arithmetic that builds them and a validator for them."""

from __future__ import annotations

import datetime as _dt
import re

__all__ = ["TIMEX3_VALUE", "is_timex3_value", "fmt", "shift", "easter", "nth_weekday", "undef"]

_NUM = r"(?:\d+(?:\.\d+)?|X)"
_DATE = (
    r"(?:(?:\d{4}|XXXX|FY\d{4})"
    r"(?:-(?:(?:0[1-9]|1[0-2]|XX)(?:-(?:0[1-9]|[12]\d|3[01]|XX))?"
    r"|W(?:0[1-9]|[1-4]\d|5[0-3]|XX)(?:-(?:[1-7]|WE))?|Q[1-4X]|H[12X]"
    r"|SP|SU|FA|WI))?|\d{3}|\d\d|XXX|XX)"
)
_TIME = r"T(?:(?:[01]\d|2[0-4])(?::[0-5]\d(?::[0-5]\d)?)?|MO|AF|EV|NI|DT)(?:Z|[+-]\d\d:\d\d)?"
_DURATION = (
    rf"P(?:(?:{_NUM}(?:Y|Q|M|W|D|E|CE))+(?:T(?:{_NUM}[HMS])+)?|T(?:{_NUM}[HMS])+)"
)

#: A well-formed TIMEX3 value: a (partly unspecified) calendar date with an optional time,
#: a duration, or one of the reference words.
TIMEX3_VALUE = re.compile(
    rf"(?:PRESENT_REF|PAST_REF|FUTURE_REF|{_DATE}(?:{_TIME})?|XXXX-XX-XX{_TIME}|{_DURATION})"
)


def is_timex3_value(value: object) -> bool:
    """True when ``value`` is a string that is a well-formed TIMEX3 value."""
    return isinstance(value, str) and TIMEX3_VALUE.fullmatch(value) is not None


#: Underspecified values by granularity, for expressions without an anchor.
_UNDEF = {
    "day": "XXXX-XX-XX",
    "week": "XXXX-WXX",
    "weekend": "XXXX-WXX-WE",
    "fortnight": "XXXX-WXX",
    "month": "XXXX-XX",
    "quarter": "XXXX-QX",
    "half": "XXXX-HX",
    "year": "XXXX",
    "decade": "XXX",
    "century": "XX",
}


def undef(grain: str) -> str:
    """The value of an unanchored expression of this granularity."""
    return _UNDEF.get(grain, "XXXX-XX-XX")


def add_months(d: _dt.date, n: int) -> _dt.date:
    """``d`` moved by ``n`` calendar months (the day clipped to the month's length)."""
    total = d.year * 12 + d.month - 1 + n
    year, month = divmod(total, 12)
    month += 1
    if not 1 <= year <= 9999:
        raise OverflowError("year out of range")
    day = min(d.day, _month_length(year, month))
    return _dt.date(year, month, day)


def _month_length(year: int, month: int) -> int:
    if month == 12:
        return 31
    return (_dt.date(year, month + 1, 1) - _dt.timedelta(days=1)).day


def shift(d: _dt.date, grain: str, n: float) -> _dt.date:
    """``d`` moved by ``n`` units of ``grain``."""
    if grain == "day":
        return d + _dt.timedelta(days=round(n))
    if grain in ("week", "weekend"):
        return d + _dt.timedelta(days=round(7 * n))
    if grain == "fortnight":
        return d + _dt.timedelta(days=round(14 * n))
    months = {"month": 1, "quarter": 3, "half": 6, "year": 12, "decade": 120, "century": 1200}
    return add_months(d, round(months.get(grain, 12) * n))


def fmt(d: _dt.date, grain: str) -> str:
    """The TIMEX3 value of the ``grain``-long period that contains ``d``."""
    if grain == "day":
        return d.isoformat()
    if grain in ("week", "weekend", "fortnight"):
        year, week, _ = d.isocalendar()
        value = f"{year:04d}-W{week:02d}"
        return value + "-WE" if grain == "weekend" else value
    if grain == "month":
        return f"{d.year:04d}-{d.month:02d}"
    if grain == "quarter":
        return f"{d.year:04d}-Q{(d.month - 1) // 3 + 1}"
    if grain == "half":
        return f"{d.year:04d}-H{(d.month - 1) // 6 + 1}"
    if grain == "decade":
        return f"{d.year // 10:03d}"
    if grain == "century":
        return f"{d.year // 100:02d}"
    return f"{d.year:04d}"


def easter(year: int) -> _dt.date:
    """Western Easter Sunday (the anonymous Gregorian algorithm)."""
    a = year % 19
    b, c = divmod(year, 100)
    d, e = divmod(b, 4)
    f = (b + 8) // 25
    g = (b - f + 1) // 3
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return _dt.date(year, month, day + 1)


def nth_weekday(year: int, month: int, weekday: int, n: int) -> _dt.date:
    """The ``n``-th ISO ``weekday`` (1 = Monday) of a month; ``n = -1`` is the last one."""
    if n > 0:
        first = _dt.date(year, month, 1)
        return first + _dt.timedelta(days=(weekday - first.isoweekday()) % 7 + 7 * (n - 1))
    last = _dt.date(year, month, _month_length(year, month))
    return last - _dt.timedelta(days=(last.isoweekday() - weekday) % 7)
