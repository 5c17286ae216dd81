"""The output folder of `serviceplan render`: compare, stage, commit, index.

Files are rendered into a private staging folder inside DIR (`.serviceplan-staging-*`, made
with mkdtemp) and only renamed into DIR once every tenant has rendered, so an aborted run
leaves DIR as it was and a reader never sees a half-written file. Every operation names a
file relative to DIR's descriptor where the platform allows it, never follows a symbolic link
(a link in DIR is refused, not written through) and never takes a name with a separator.
Files are not fsynced one by one (100,000 fsyncs cost a minute); DIR is synced once after the
renames, and an unchanged file is decided by comparing bytes on disk, so a file a crash left
empty is rewritten by the next run.
"""

from __future__ import annotations

import bisect
import contextlib
import enum
import hashlib
import os
import shutil
import stat
import tempfile
import time
from array import array
from collections.abc import Iterable, Iterator
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: leftovers are recognised by their age instead
    fcntl = None  # type: ignore[assignment]

from ..errors import OutputError, UsageError
from ..files.output import new_file_mode, temporary_beside
from ..files.spool import sort_records


class Action(enum.StrEnum):
    """What a run did with a tenant's file (REMOVE: a file of the previous index it no longer
    produces); a str, so the report and the index print the word itself."""

    CREATE = "create"
    UPDATE = "update"
    UNCHANGED = "unchanged"
    SKIP = "skip"
    FAIL = "fail"
    REMOVE = "remove"


CREATE, UPDATE, UNCHANGED, SKIP, FAIL = (
    Action.CREATE,
    Action.UPDATE,
    Action.UNCHANGED,
    Action.SKIP,
    Action.FAIL,
)
WRITES = (CREATE, UPDATE)
STAGING_PREFIX = ".serviceplan-staging-"
DROPPED_SUFFIX = ".dropped"  # a staging folder being removed: no run will use it again
LOCK_NAME = ".lock"
_LOCKS: dict[str, int] = {}  # staging folder -> its locked descriptor

_DIR_FD = {os.open, os.stat, os.rename, os.unlink} <= os.supports_dir_fd
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)
_DIRECTORY = getattr(os, "O_DIRECTORY", 0)


class Refused(Exception):
    """A tenant's file cannot be written where it belongs (a link, a folder, a device)."""


class Folder:
    """A folder whose entries are named relative to its descriptor (when the platform can)."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.fd: int | None = None
        if _DIR_FD:
            try:
                self.fd = os.open(path, os.O_RDONLY | _DIRECTORY)
            except OSError as error:
                raise OutputError(f"{path}: cannot open: {error.strerror or error}") from error

    def close(self) -> None:
        if self.fd is not None:
            os.close(self.fd)
            self.fd = None

    def at(self, name: str) -> str:
        if os.sep in name or (os.altsep and os.altsep in name) or name in ("", ".", ".."):
            raise OutputError(f"refusing the file name {name!r}: not a single name")  # a bug
        return name if self.fd is not None else os.path.join(self.path, name)  # noqa: PTH118

    def lstat(self, name: str) -> os.stat_result:
        return os.stat(self.at(name), dir_fd=self.fd, follow_symlinks=False)

    def read(self, name: str) -> bytes:
        return b"".join(self.blocks(name))

    def blocks(self, name: str) -> Iterator[bytes]:
        """The file's bytes, a block at a time (an index of a million files is not read whole)."""
        fd = os.open(self.at(name), os.O_RDONLY | _NOFOLLOW | _BINARY, dir_fd=self.fd)
        try:
            while block := os.read(fd, 1 << 20):
                yield block
        finally:
            os.close(fd)

    def create(self, name: str, data: bytes, mode: int | None) -> None:
        flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | _NOFOLLOW | _BINARY
        try:
            fd = os.open(self.at(name), flags, 0o666, dir_fd=self.fd)
            try:
                view = memoryview(data)
                while view:
                    view = view[os.write(fd, view) :]
                if mode is not None and hasattr(os, "fchmod"):
                    os.fchmod(fd, mode)
            finally:
                os.close(fd)
        except OSError as error:
            raise OutputError(f"{self.path}: cannot write {name}: {error.strerror}") from error

    def move_into(self, target: Folder, name: str) -> None:
        """Rename an entry into another folder: atomic; a link there is replaced, not followed."""
        try:
            os.rename(self.at(name), target.at(name), src_dir_fd=self.fd, dst_dir_fd=target.fd)
        except OSError as error:
            raise OutputError(f"{target.path}: cannot write {name}: {error.strerror}") from error

    def unlink(self, name: str) -> None:
        try:
            os.unlink(self.at(name), dir_fd=self.fd)
        except FileNotFoundError:
            pass
        except OSError as error:
            raise OutputError(f"{self.path}: cannot remove {name}: {error.strerror}") from error

    def sync(self) -> None:
        if self.fd is not None:
            # some file systems cannot sync a folder; the files are renamed all the same
            with contextlib.suppress(OSError):
                os.fsync(self.fd)


class Listing:
    """A folder's entries, casefolded, as sorted 64-bit digests: 8 bytes a name, not the name
    (a million files in DIR). A digest is blake2b's, alike in every process (a spawned worker
    too); two names sharing one only cost a look (`compare`), never a wrong answer."""

    def __init__(self, path: str) -> None:
        names = (entry.name.casefold() for entry in os.scandir(path))
        self.digests = array("Q", sort_records(map(_digest, names)))

    def __contains__(self, name: object) -> bool:
        """Whether `name` (casefolded) may be there; False: it is not."""
        digest = _digest(str(name))
        at = bisect.bisect_left(self.digests, digest)
        return at < len(self.digests) and self.digests[at] == digest


def _digest(name: str) -> int:
    data = name.encode("utf-8", "surrogatepass")  # os.scandir's undecodable bytes too
    return int.from_bytes(hashlib.blake2b(data, digest_size=8).digest(), "big")


def compare(folder: Folder | None, name: str, data: bytes) -> tuple[Action, int | None]:
    """CREATE, UPDATE or UNCHANGED for `data` as the file `name`, and the mode to keep."""
    if folder is None:
        return CREATE, None
    try:
        info = folder.lstat(name)
    except FileNotFoundError:
        return CREATE, None
    except OSError as error:
        raise Refused(f"{name}: cannot inspect: {error.strerror}") from error
    if stat.S_ISLNK(info.st_mode):
        raise Refused(f"{name} is a symbolic link in the output folder; it is not followed")
    if not stat.S_ISREG(info.st_mode):
        raise Refused(f"{name} is in the output folder but is not a regular file")
    mode = stat.S_IMODE(info.st_mode)
    if info.st_size != len(data):
        return UPDATE, mode
    try:
        same = folder.read(name) == data
    except OSError as error:
        raise Refused(f"{name}: cannot read: {error.strerror}") from error
    return (UNCHANGED, None) if same else (UPDATE, mode)


def prepare_out(path: str, dry_run: bool) -> tuple[str, bool]:
    """DIR's real path and whether this run made it (a dry run makes nothing)."""
    out = Path(path)
    if out.is_symlink() and not out.exists():
        raise UsageError(f"--out {path}: a symbolic link to nothing")
    if out.exists() and not out.is_dir():
        raise UsageError(f"--out {path}: not a folder")
    made = False
    if not out.exists() and not dry_run:
        try:
            out.mkdir(parents=True)
        except OSError as error:
            raise OutputError(f"{path}: cannot make the folder: {error.strerror}") from error
        made = True
    return os.path.realpath(out), made


def make_staging(out: str) -> str:
    """A staging folder, locked for as long as this process lives (a killed run's lock goes
    with it, which is how the next run knows the folder is a leftover)."""
    try:
        staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=out)
        handle = os.open(Path(staging, LOCK_NAME), os.O_CREAT | os.O_RDWR, 0o600)
    except OSError as error:
        raise OutputError(f"{out}: cannot write: {error.strerror or error}") from error
    if fcntl is not None:
        fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
    _LOCKS[staging] = handle
    return staging


def drop_staging(staging: str | None) -> None:
    """Renamed aside first, so a run killed while the tree is removed (its lock file may
    already be gone) leaves a folder the next run knows to sweep at once."""
    if staging is not None:
        doomed = staging + DROPPED_SUFFIX
        try:
            Path(staging).rename(doomed)
        except OSError:
            doomed = staging
        shutil.rmtree(doomed, ignore_errors=True)
        handle = _LOCKS.pop(staging, None)
        if handle is not None:
            os.close(handle)


def sweep_leftovers(out: str, index: str) -> None:
    """Remove what a killed run left in DIR: staging folders no live run holds, and this
    shard's temporary index files (shards sharing DIR each sweep only their own)."""
    for entry in os.scandir(out):
        name = entry.name
        if name.startswith(STAGING_PREFIX) and entry.is_dir(follow_symlinks=False):
            if name.endswith(DROPPED_SUFFIX) or _abandoned(entry.path):
                shutil.rmtree(entry.path, ignore_errors=True)
        elif (
            name.startswith(f".{index}.")
            and name.endswith(".tmp")
            and entry.is_file(follow_symlinks=False)
        ):
            with contextlib.suppress(OSError):
                Path(entry.path).unlink()


def _abandoned(staging: str) -> bool:
    """No process holds its lock (without flock: untouched for an hour)."""
    try:
        handle = os.open(Path(staging, LOCK_NAME), os.O_RDWR | _NOFOLLOW)
    except OSError:  # no lock yet: a run may be creating it this instant
        return _older_than(staging, 60)
    try:
        if fcntl is None:
            return _older_than(staging, 3600)  # type: ignore[unreachable]
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            return False  # a live run holds it
        return True
    finally:
        os.close(handle)


def _older_than(path: str, seconds: float) -> bool:
    try:
        return time.time() - Path(path).lstat().st_mtime > seconds
    except OSError:
        return False


def digest_file(path: str) -> str:
    hasher = hashlib.sha256()
    try:
        with open(path, "rb") as stream:
            while block := stream.read(1 << 20):
                hasher.update(block)
    except OSError as error:
        raise OutputError(f"{path}: cannot read for its digest: {error.strerror}") from error
    return hasher.hexdigest()


def stage_streamed(folder: Folder, name: str, chunks: Iterable[str]) -> str | None:
    """`name`'s new bytes, from text chunks, in a synced temporary file beside it, for
    `publish`; None when `name` already holds exactly those bytes (left alone, its time stamp
    too). Staged before the manifests are renamed, so a full disk stops the run before DIR
    changes, never between the manifests and their index."""
    hasher = hashlib.sha256()
    try:
        with temporary_beside(folder.path, name) as (stream, temporary):
            with stream:
                for chunk in chunks:
                    data = chunk.encode("utf-8")
                    hasher.update(data)
                    stream.write(data)
                stream.flush()
                same = _same_digest(folder, name, hasher.hexdigest())
                if not same:  # an unchanged index is left alone: no sync needed
                    os.fsync(stream.fileno())
            if same:
                temporary.unlink()
                return None
            temporary.chmod(new_file_mode())  # a new file's mode, not the replaced one's
            return str(temporary)
    except OSError as error:
        raise OutputError(f"{folder.path}: cannot write {name}: {error.strerror}") from error


def publish(folder: Folder, temporary: str | None, name: str) -> None:
    """Rename a staged file into place (None: it was unchanged)."""
    if temporary is None:
        return
    try:
        Path(temporary).replace(Path(folder.path) / name)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise OutputError(f"{folder.path}: cannot write {name}: {error.strerror}") from error


def discard(temporary: str | None) -> None:
    if temporary is not None:
        Path(temporary).unlink(missing_ok=True)


def _same_digest(folder: Folder, name: str, digest: str) -> bool:
    try:
        if not stat.S_ISREG(folder.lstat(name).st_mode):
            return False
        hasher = hashlib.sha256()
        for block in folder.blocks(name):
            hasher.update(block)
        return hasher.hexdigest() == digest
    except OSError:
        return False
