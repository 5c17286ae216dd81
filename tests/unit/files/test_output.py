"""write_atomic: whole file or nothing, and permissions a user would expect."""

from __future__ import annotations

import errno
import os
import stat
import tempfile
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest

from serviceplan.errors import OutputError
from serviceplan.files.output import write_atomic, write_each, write_output


def test_new_file_gets_the_umask_default(tmp_path: Path) -> None:
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "new.txt", "hello\n")
    finally:
        os.umask(umask)
    assert (tmp_path / "new.txt").read_text() == "hello\n"
    assert (tmp_path / "new.txt").stat().st_mode & 0o777 == 0o644


def test_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    target = tmp_path / "plan.serviceplan"
    target.write_text("old")
    target.chmod(0o640)
    write_atomic(target, b"new")
    assert target.read_bytes() == b"new"
    assert target.stat().st_mode & 0o777 == 0o640


def test_no_temporary_file_is_left_behind(tmp_path: Path) -> None:
    write_atomic(tmp_path / "a.json", "{}")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.json"]


def test_missing_folders_are_made(tmp_path: Path) -> None:
    write_atomic(tmp_path / "no" / "such" / "file", "x")
    assert (tmp_path / "no" / "such" / "file").read_text() == "x"


def test_a_relative_path_into_a_missing_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomic("out/v.sarif", "{}")
    assert (tmp_path / "out" / "v.sarif").read_text() == "{}"


def test_a_parent_that_is_a_file_is_named(tmp_path: Path) -> None:
    (tmp_path / "out").write_text("a file")
    expected = r"out/deeper/v\.sarif: cannot write: .*out is not a folder"
    with pytest.raises(OutputError, match=expected):
        write_atomic(tmp_path / "out" / "deeper" / "v.sarif", "x")
    assert (tmp_path / "out").read_text() == "a file"


def test_a_target_that_is_a_folder_is_an_output_error(tmp_path: Path) -> None:
    (tmp_path / "report.json").mkdir()
    with pytest.raises(OutputError, match=r"report\.json: cannot write: Is a directory"):
        write_atomic(tmp_path / "report.json", "x")
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]


def test_a_failed_write_removes_the_folders_it_made(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full_disk(*args: object, **kwargs: object) -> tuple[int, str]:
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(tempfile, "mkstemp", full_disk)
    with pytest.raises(OutputError, match="No space left on device"):
        write_atomic(tmp_path / "made" / "for" / "it.json", "x")
    assert list(tmp_path.iterdir()) == []


def test_write_each_writes_the_others_and_returns_the_failures(tmp_path: Path) -> None:
    (tmp_path / "blocked").write_text("a file")
    failed = write_each(
        [
            (tmp_path / "a" / "one.json", "1"),
            (tmp_path / "blocked" / "two.json", "2"),
            (tmp_path / "b" / "three.json", "3"),
        ]
    )
    assert [str(error.message) for error in failed] == [
        f"{tmp_path / 'blocked' / 'two.json'}: cannot write: {tmp_path / 'blocked'} is not a folder"
    ]
    assert (tmp_path / "a" / "one.json").read_text() == "1"
    assert (tmp_path / "b" / "three.json").read_text() == "3"


def test_a_device_is_written_through_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe\n")
    reader.join(timeout=10)
    assert got == [b"through the pipe\n"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)  # still a pipe, not a regular file
    assert [p.name for p in tmp_path.iterdir()] == ["pipe"]


def test_pieces_are_written_as_they_come(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    write_atomic(target, iter([b"[1,", b"2]\n"]))
    assert target.read_bytes() == b"[1,2]\n"


def test_an_error_while_pieces_are_produced_leaves_the_target_as_it_was(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_bytes(b"before")

    def pieces() -> Iterator[bytes]:
        yield b"half"
        raise ValueError("broken")

    with pytest.raises(ValueError, match="broken"):
        write_atomic(target, pieces())
    assert target.read_bytes() == b"before"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]


def test_write_output_without_a_path_writes_standard_output(
    capsysbinary: pytest.CaptureFixture[bytes],
) -> None:
    write_output(None, iter([b"a\n", "é\n".encode()]))
    assert capsysbinary.readouterr().out == "a\né\n".encode()


def test_an_output_named_dash_is_standard_output(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomic("-", "a\n")
    write_output("-", iter([b"b\n"]))
    assert write_each([("-", "c\n")]) == ()
    assert capsysbinary.readouterr().out == b"a\nb\nc\n"
    assert list(tmp_path.iterdir()) == []


def test_a_path_object_named_dash_is_a_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsysbinary: pytest.CaptureFixture[bytes]
) -> None:
    monkeypatch.chdir(tmp_path)
    write_atomic(Path("-"), "a\n")  # a library caller's Path is always a file
    assert (tmp_path / "-").read_text() == "a\n"
    assert capsysbinary.readouterr().out == b""
