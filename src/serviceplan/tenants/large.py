"""A large inventory file is read a line at a time, never held whole: a million tenants are
about 120 MB of CSV. Its encoding is checked in one pass first (UTF-8, BOM optional), so a
bad byte is the same finding, on the same line, as for a file read whole, and comes before
any tenant is used. UTF-16 files and small files are read whole (plan.load.decode_text)."""

from __future__ import annotations

import codecs
import stat
from pathlib import Path

from ..model import Finding, Location
from ..plan.load import TooLarge
from ..rules.registry import rule

STREAM_ABOVE = 4 << 20  # bytes: smaller files are read whole
_CHUNK = 1 << 20
_UTF16_BOMS = (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)


def streamed(source: str, max_size: int) -> bool:
    """Whether to stream this file: a regular file over STREAM_ABOVE, not UTF-16."""
    try:
        status = Path(source).stat()
        if not stat.S_ISREG(status.st_mode) or status.st_size <= STREAM_ABOVE:
            return False
        with open(source, "rb") as handle:
            head = handle.read(2)
    except OSError:
        return False  # read_input says what is wrong
    if status.st_size > max_size:
        raise TooLarge(source, max_size)
    return not head.startswith(_UTF16_BOMS)


def check_utf8(source: str) -> list[Finding]:
    """The finding for the first byte that is not UTF-8, with its line; none when all is."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    offset = 0
    breaks = 0  # line breaks before the chunk: CRLF, LF and CR each count once
    last = b""
    with open(source, "rb") as handle:
        while True:
            chunk = handle.read(_CHUNK)
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as error:
                line = breaks + _breaks(last + chunk[: error.start]) - _breaks(last) + 1
                return [
                    rule("bad-encoding").finding(
                        f"not valid UTF-8 at byte {offset + error.start}: {error.reason}",
                        Location(source, line),
                    )
                ]
            if not chunk:
                return []
            breaks += _breaks(last + chunk) - _breaks(last)
            offset += len(chunk)
            last = chunk[-1:]


def _breaks(data: bytes) -> int:
    return data.count(b"\n") + data.count(b"\r") - data.count(b"\r\n")
