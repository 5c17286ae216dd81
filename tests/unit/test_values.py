from __future__ import annotations

from datetime import timedelta

import pytest

from serviceplan.values import (
    BYTES_MAX,
    INT32_MAX,
    UNLIMITED,
    Unlimited,
    ValueProblem,
    collapse,
    format_value,
    parse_value,
)

GB = 1 << 30
MB = 1 << 20


# boolean


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("true", True),
        ("false", False),
        ("1", True),
        ("0", False),
        (" true ", True),
        ("\n\tfalse\n  ", False),
        ("  1\n", True),
    ],
)
def test_boolean_accepts_xsd_lexical_forms(text: str, expected: bool) -> None:
    assert parse_value("boolean", text) is expected


@pytest.mark.parametrize("text", ["True", "FALSE", "yes", "on", "2", "", "t rue"])
def test_boolean_rejects_other_text(text: str) -> None:
    with pytest.raises(ValueProblem, match="true or false"):
        parse_value("boolean", text)


# count


@pytest.mark.parametrize(
    "text", ["Unlimited", "unlimited", "UNLIMITED", "uNlImItEd", " Unlimited "]
)
def test_count_unlimited_in_any_case(text: str) -> None:
    value = parse_value("count", text)
    assert value is UNLIMITED
    assert isinstance(value, Unlimited)


@pytest.mark.parametrize(
    ("text", "expected"), [("0", 0), ("250", 250), (" 42 ", 42), (str(INT32_MAX), INT32_MAX)]
)
def test_count_whole_numbers(text: str, expected: int) -> None:
    assert parse_value("count", text) == expected


@pytest.mark.parametrize("text", ["-1", "1.5", "12a", "", "Unlimitedd", "12345678901"])
def test_count_rejects_non_counts(text: str) -> None:
    with pytest.raises(ValueProblem):
        parse_value("count", text)


def test_count_above_int32_is_out_of_range() -> None:
    with pytest.raises(ValueProblem, match="above the maximum 2147483647"):
        parse_value("count", str(INT32_MAX + 1))


def test_count_honours_the_features_range() -> None:
    assert parse_value("count", "10", minimum=10, maximum=20) == 10
    assert parse_value("count", "20", minimum=10, maximum=20) == 20
    with pytest.raises(ValueProblem, match="below the minimum 10"):
        parse_value("count", "9", minimum=10)
    with pytest.raises(ValueProblem, match="above the maximum 20"):
        parse_value("count", "21", maximum=20)
    assert parse_value("count", "Unlimited", maximum=20) is UNLIMITED


# bytes


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("10GB", 10 * GB),
        ("10gb", 10 * GB),
        ("1048576KB", GB),
        ("100 MB", 100 * MB),
        ("2.5GB", 5 * GB // 2),
        ("10 GB (10,737,418,240 bytes)", 10 * GB),
        ("1TB", 1 << 40),
        ("512B", 512),
        ("5", 5),
        (" 100MB ", 100 * MB),
        ("10  GB", 10 * GB),  # whitespace is collapsed, as xs:token does
    ],
)
def test_bytes_quantities(text: str, expected: int) -> None:
    value = parse_value("bytes", text)
    assert value == expected
    assert type(value) is int


@pytest.mark.parametrize("text", ["Unlimited", "unlimited", "UNLIMITED"])
def test_bytes_unlimited(text: str) -> None:
    assert parse_value("bytes", text) is UNLIMITED


@pytest.mark.parametrize("text", ["10XB", "10 G", "10 GiB", "GB", "-1GB", "ten MB", ""])
def test_bytes_rejects_bad_units_and_shapes(text: str) -> None:
    with pytest.raises(ValueProblem, match="byte quantity"):
        parse_value("bytes", text)


def test_bytes_larger_than_exchange_can_store() -> None:
    assert BYTES_MAX == 2**63 - 1
    with pytest.raises(ValueProblem, match="larger than Exchange can store"):
        parse_value("bytes", "99999999999999999999TB")


# integer


@pytest.mark.parametrize(("text", "expected"), [("5", 5), ("-5", -5), ("+5", 5), (" 7 ", 7)])
def test_integer(text: str, expected: int) -> None:
    assert parse_value("integer", text) == expected


@pytest.mark.parametrize("text", ["1.5", "abc", "", "Unlimited", "1e3"])
def test_integer_rejects_non_integers(text: str) -> None:
    with pytest.raises(ValueProblem, match="whole number"):
        parse_value("integer", text)


def test_integer_range_is_inclusive() -> None:
    assert parse_value("integer", "-128", minimum=-128, maximum=127) == -128
    assert parse_value("integer", "127", minimum=-128, maximum=127) == 127
    with pytest.raises(ValueProblem, match="128 is above the maximum 127"):
        parse_value("integer", "128", minimum=-128, maximum=127)
    with pytest.raises(ValueProblem, match="-129 is below the minimum -128"):
        parse_value("integer", "-129", minimum=-128, maximum=127)


# timespan


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1.00:00:00", timedelta(days=1)),
        ("00:30:00", timedelta(minutes=30)),
        ("00:30", timedelta(minutes=30)),
        ("7", timedelta(days=7)),
        ("1.02:03:04", timedelta(days=1, hours=2, minutes=3, seconds=4)),
        ("00:00:01.5", timedelta(seconds=1.5)),
        ("-1.00:00:00", timedelta(days=-1)),
        ("-00:30:00", timedelta(minutes=-30)),
        ("-7", timedelta(days=-7)),
        ("23:59:59", timedelta(hours=23, minutes=59, seconds=59)),
    ],
)
def test_timespan_forms(text: str, expected: timedelta) -> None:
    assert parse_value("timespan", text) == expected


@pytest.mark.parametrize("text", ["24:00:00", "00:60:00", "00:00:60", "1.25:00:00"])
def test_timespan_rejects_out_of_range_fields(text: str) -> None:
    with pytest.raises(ValueProblem, match="hours must be 0-23"):
        parse_value("timespan", text)


@pytest.mark.parametrize("text", ["abc", "1:2:3:4", "1.", "1 day", ""])
def test_timespan_rejects_other_text(text: str) -> None:
    with pytest.raises(ValueProblem, match="time span"):
        parse_value("timespan", text)


# enum and string


def test_enum_member_name() -> None:
    assert parse_value("enum", "None") == "None"
    assert parse_value("enum", " Basic ") == "Basic"


def test_enum_restricted_to_allowed_members() -> None:
    assert parse_value("enum", "B", allowed=("A", "B")) == "B"
    with pytest.raises(ValueProblem, match="expected one of A, B"):
        parse_value("enum", "C", allowed=("A", "B"))


@pytest.mark.parametrize("text", ["1abc", "has space", "a-b", ""])
def test_enum_rejects_non_names(text: str) -> None:
    with pytest.raises(ValueProblem, match="enumeration member"):
        parse_value("enum", text)


def test_string_is_kept_verbatim() -> None:
    assert parse_value("string", "  some text \n") == "  some text \n"


def test_unknown_type_is_a_programming_error_not_a_value_problem() -> None:
    with pytest.raises(ValueError, match="unknown value type 'nonsense'") as caught:
        parse_value("nonsense", "1")
    assert not isinstance(caught.value, ValueProblem)


# helpers


def test_collapse_is_xsd_whitespace_collapse() -> None:
    assert collapse("  a \n\t b  ") == "a b"


def test_unlimited_prints_as_unlimited() -> None:
    assert str(UNLIMITED) == "Unlimited"
    assert Unlimited() == UNLIMITED


@pytest.mark.parametrize(
    ("value", "text"),
    [(True, "true"), (False, "false"), (UNLIMITED, "Unlimited"), (250, "250"), ("Basic", "Basic")],
)
def test_format_value(value: object, text: str) -> None:
    assert format_value(value) == text  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kind", "text"),
    [
        ("boolean", "1"),
        ("boolean", " false "),
        ("count", "UNLIMITED"),
        ("count", "17"),
        ("bytes", "2.5GB"),
        ("integer", "-5"),
        ("enum", "None"),
    ],
)
def test_format_value_round_trips(kind: str, text: str) -> None:
    value = parse_value(kind, text)
    assert parse_value(kind, format_value(value)) == value


@pytest.mark.parametrize(
    ("value", "text"),
    [(timedelta(days=1), "1.00:00:00"), (timedelta(minutes=30), "00:30:00")],
)
def test_format_value_timespan_is_plan_text(value: timedelta, text: str) -> None:
    assert format_value(value) == text
