"""The one JSON encoder: the standard library's bytes, faster; streamed pieces equal the whole."""

from __future__ import annotations

import enum
import json
from datetime import timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from serviceplan.report.encode import Stream, encode, encode_stream, encode_text, envelope
from serviceplan.values import UNLIMITED, Unlimited

# JSON without floats: their exponent is spelt differently (1e-07 / 1e-7), nothing else is
SCALARS = (
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**63), max_value=2**63 - 1)
    | st.text(st.characters(exclude_categories=("Cs",)))
)
DOCUMENTS = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(), inner, max_size=4),
    max_leaves=20,
)


def stdlib(document: object, **options: Any) -> bytes:
    return (json.dumps(document, indent=2, ensure_ascii=False, **options) + "\n").encode()


@given(DOCUMENTS)
def test_the_bytes_are_the_standard_librarys(document: object) -> None:
    assert encode(document) == stdlib(document)


@given(DOCUMENTS)
def test_without_indent_it_is_the_standard_librarys_one_line(document: object) -> None:
    expected = json.dumps(document, ensure_ascii=False).encode()
    assert encode(document, indent=None, newline=False) == expected


@given(DOCUMENTS, st.lists(DOCUMENTS, max_size=4), st.lists(DOCUMENTS, max_size=3))
def test_streamed_pieces_join_to_the_whole_document(
    other: object, first: list[object], second: list[object]
) -> None:
    whole = {"a": other, "first": first, "nested": {"second": second, "big": 2**64}}
    streamed = {
        "a": other,
        "first": Stream(iter(first)),
        "nested": {"second": Stream(iter(second)), "big": 2**64},  # 2**64: the stdlib path
    }
    pieces = list(encode_stream(streamed))
    assert b"".join(pieces) == encode(whole)
    assert len(pieces) >= 5  # the lists' items came one by one, not as one document


def test_a_stream_takes_no_other_unknown_type() -> None:
    with pytest.raises(TypeError, match="cannot write object"):
        list(encode_stream({"x": object()}))


class Color(enum.StrEnum):
    RED = "red"


@pytest.mark.parametrize(
    "document",
    [
        {Color.RED: 1, 2: "two", None: 3, True: 4},  # keys that are not plain str
        {"big": 2**70, "small": -(2**70)},  # past 64 bits: the standard library writes them
        [Color.RED, "é ☃ \u2028", '\x00\x1f"\\'],
        {"nested": [[], {}, [{}], {"a": []}]},
    ],
)
def test_what_orjson_treats_differently_comes_out_as_before(document: object) -> None:
    assert encode(document) == stdlib(document)


def test_a_lone_surrogate_is_escaped_not_an_error() -> None:
    assert json.loads(encode({"s": "a\udc80"})) == {"s": "a\udc80"}


def test_dataclasses_and_unknown_types_go_to_default() -> None:
    def default(value: object) -> object:
        if isinstance(value, Unlimited):
            return "Unlimited"
        if isinstance(value, timedelta):
            return value.total_seconds()
        raise TypeError(f"cannot write {type(value).__name__}")

    document = {"quota": UNLIMITED, "span": timedelta(hours=1)}
    assert encode(document, default=default) == stdlib(document, default=default)
    with pytest.raises(TypeError, match="cannot write object"):
        encode({"x": object()}, default=default)


def test_text_and_envelope() -> None:
    assert encode_text({"a": "é"}) == '{\n  "a": "é"\n}\n'
    assert envelope(3, "1.2") == {"version": 3, "tool": {"name": "serviceplan", "version": "1.2"}}
