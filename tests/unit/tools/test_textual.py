"""tools/textual.py: bytes that differ with the same text, named one way for verify-copies and
fmt."""

from __future__ import annotations

import pytest

from serviceplan.tools.textual import Textual, line_ends_only, normalised_only

BOM = b"\xef\xbb\xbf"


def test_line_ends_and_the_mark_are_told_apart() -> None:
    assert line_ends_only(b"a\r\nb\r\n", b"a\nb\n") is Textual.LINE_ENDS
    assert line_ends_only(BOM + b"a\n", b"a\n") is Textual.BYTE_ORDER_MARK
    assert line_ends_only(BOM + b"a\r\n", b"a\n") is Textual.LINE_ENDS_AND_BYTE_ORDER_MARK
    assert line_ends_only(b"a\r\n", b"b\n") is None


@pytest.mark.parametrize(
    ("before", "note"),
    [
        (b"a\r\nb\r\nc\r\n", "line ends only: CRLF to LF"),
        (b"a\rb\rc\n", "line ends only: CR to LF"),
        (b"a\r\nb\rc\n", "line ends only: CRLF and CR to LF"),
        (BOM + b"a\nb\nc\n", "byte order mark only: removed"),
        (BOM + b"a\r\nb\nc\n", "line ends, byte order mark only: CRLF to LF, mark removed"),
        (b"a\r\nb\r\nd\n", ""),  # a change of text: a diff says it
    ],
)
def test_what_normalising_a_file_alone_changes(before: bytes, note: str) -> None:
    assert normalised_only(before, b"a\nb\nc\n") == note


def test_no_note_when_the_new_side_is_not_in_lf_form() -> None:
    assert normalised_only(b"a\nb\n", b"a\r\nb\r\n") == ""
