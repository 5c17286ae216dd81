"""Typed feature values: one lexical pattern per type, shared by the XSD and the rules."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class Unlimited:
    """Exchange's Unlimited: larger than any number, compared as such."""

    def __str__(self) -> str:
        return "Unlimited"


UNLIMITED = Unlimited()

Value = bool | int | str | Unlimited | timedelta

# XSD-compatible regular expressions (applied to the whitespace-collapsed text, anchored);
# xsdgen.py writes the same strings into ServicePlan.xsd, so the two cannot drift apart.
UNLIMITED_PATTERN = "[Uu][Nn][Ll][Ii][Mm][Ii][Tt][Ee][Dd]"
PATTERNS: dict[str, str] = {
    "count": f"{UNLIMITED_PATTERN}|[0-9]{{1,10}}",
    "bytes": (
        f"{UNLIMITED_PATTERN}"
        r"|[0-9]{1,20}(\.[0-9]{1,10})? ?([KkMmGgTt]?[Bb])?( \([0-9,]{1,30} [Bb]ytes\))?"
    ),
    "timespan": r"-?([0-9]{1,8}\.)?[0-9]{1,2}:[0-9]{1,2}(:[0-9]{1,2}(\.[0-9]{1,7})?)?|-?[0-9]{1,8}",
    "enum": "[A-Za-z_][A-Za-z0-9_]{0,63}",
}
_COMPILED = {kind: re.compile(pattern) for kind, pattern in PATTERNS.items()}
BOOLEANS = {"true": True, "1": True, "false": False, "0": False}  # xs:boolean
_UNITS = {"": 1, "b": 1, "kb": 1 << 10, "mb": 1 << 20, "gb": 1 << 30, "tb": 1 << 40}
_BYTES = re.compile(r"([0-9.]+) ?([KkMmGgTt]?[Bb])?")
INT32_MAX = 2**31 - 1
BYTES_MAX = 2**63 - 1

EXPECTED: dict[str, str] = {
    "boolean": "true or false (1 or 0)",
    "count": "a whole number from 0 or Unlimited",
    "bytes": "a byte quantity such as 10GB, 100MB or 1048576KB, or Unlimited",
    "integer": "a whole number",
    "timespan": "a time span such as 1.00:00:00 (days.hours:minutes:seconds)",
    "enum": "an enumeration member name",
    "string": "text",
}


class ValueProblem(ValueError):
    """A value that its feature's type does not allow; the message says what is expected."""


def collapse(text: str) -> str:
    """XSD whitespace collapse: what xs:token and xs:boolean compare."""
    return " ".join(text.split())


@functools.lru_cache(maxsize=4096)  # plans repeat the same few values; bounded for hostile input
def parse_value(
    kind: str,
    text: str,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    allowed: tuple[str, ...] = (),
) -> Value:
    """Parse the text of a feature element of type `kind`, raising ValueProblem when invalid."""
    if kind == "boolean" and text in BOOLEANS:  # the common case, without collapsing
        return BOOLEANS[text]
    token = collapse(text)
    if kind == "boolean":
        try:
            return BOOLEANS[token]
        except KeyError:
            raise ValueProblem(f"expected {EXPECTED[kind]}") from None
    if kind == "string":
        return text
    if kind == "integer":
        if not re.fullmatch(r"[+-]?[0-9]{1,20}", token):
            raise ValueProblem(f"expected {EXPECTED[kind]}")
        number = int(token)
        _check_range(number, minimum, maximum)
        return number
    pattern = _COMPILED.get(kind)
    if pattern is None:
        raise ValueError(f"unknown value type {kind!r}")
    if not pattern.fullmatch(token):
        raise ValueProblem(f"expected {EXPECTED[kind]}")
    if kind in ("count", "bytes") and token.casefold() == "unlimited":
        return UNLIMITED
    if kind == "count":
        number = int(token)
        _check_range(number, minimum if minimum is not None else 0, maximum or INT32_MAX)
        return number
    if kind == "bytes":
        return _parse_bytes(token)
    if kind == "timespan":
        return _parse_timespan(token)
    if allowed and token not in allowed:
        raise ValueProblem(f"expected one of {', '.join(allowed)}")
    return token


def _check_range(number: int, minimum: int | None, maximum: int | None) -> None:
    if minimum is not None and number < minimum:
        raise ValueProblem(f"{number} is below the minimum {minimum}")
    if maximum is not None and number > maximum:
        raise ValueProblem(f"{number} is above the maximum {maximum}")


def _parse_bytes(token: str) -> int:
    match = _BYTES.match(token)
    assert match is not None  # the type pattern matched already
    amount, unit = match.group(1), (match.group(2) or "").casefold()
    size = int(Decimal(amount) * _UNITS[unit])
    if size > BYTES_MAX:
        raise ValueProblem(f"{token} is larger than Exchange can store")
    return size


_TIMESPAN = re.compile(
    r"(?P<sign>-?)(?:(?P<days>[0-9]+)\.)?(?P<h>[0-9]+):(?P<m>[0-9]+)(?::(?P<s>[0-9]+(?:\.[0-9]+)?))?"
)


def _parse_timespan(token: str) -> timedelta:
    match = _TIMESPAN.fullmatch(token)
    if match is None:  # the plain "days" form
        return timedelta(days=int(token))
    hours, minutes = int(match["h"]), int(match["m"])
    seconds = Decimal(match["s"] or 0)
    if hours > 23 or minutes > 59 or seconds >= 60:
        raise ValueProblem(f"{token}: hours must be 0-23, minutes and seconds 0-59")
    span = timedelta(
        days=int(match["days"] or 0), hours=hours, minutes=minutes, seconds=float(seconds)
    )
    return -span if match["sign"] else span


def parse_flag(text: str | None) -> bool | None:
    """An optional xs:boolean attribute: absent is False, an invalid value None."""
    if text is None:
        return False
    try:
        return bool(parse_value("boolean", text))
    except ValueProblem:
        return None


def json_value(value: Value | None) -> bool | int | float | str | None:
    """The JSON form of a value: Unlimited by name, a time span in seconds."""
    if isinstance(value, Unlimited):
        return "Unlimited"
    if isinstance(value, timedelta):
        return value.total_seconds()
    return value


def format_bytes(size: int) -> str:
    """A byte count in the largest unit that divides it exactly, as plans write sizes."""
    for unit, factor in (("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10)):
        if size and size % factor == 0:
            return f"{size // factor}{unit}"
    return f"{size}B"


UNSET_TEXT = "(unset)"  # a setting without a value, as every report and tool shows it


def format_value(value: Value) -> str:
    """The canonical text of a value, as it would be written in a plan."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, timedelta):  # .NET's [-][d.]hh:mm:ss
        sign = "-" if value < timedelta(0) else ""
        seconds = abs(value).total_seconds()
        days, rest = divmod(int(seconds), 86400)
        hours, rest = divmod(rest, 3600)
        clock = f"{hours:02d}:{rest // 60:02d}:{rest % 60:02d}"
        return f"{sign}{days}.{clock}" if days else f"{sign}{clock}"
    return str(value)
