"""Headless Chromium (Debian's `chromium` package) for the HTML reports, with no network.

One launch per page: `--dump-dom` (the DOM Chromium built, on stdout) and `--screenshot` (a PNG
of the window) together. The browser runs with a fresh profile, no sandbox (root in CI),
no background networking, and every request made unreachable (a proxy on a closed port, every
host name unresolvable), so a page that tried to fetch anything would show it broken.

`python tests/acceptance/_browser.py` regenerates the README's screenshot (docs/diff-report.png).
"""

from __future__ import annotations

import shutil
import struct
import subprocess
import sys
import tempfile
import zlib
from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LAUNCH_TIMEOUT = 300.0  # a loaded 2-core machine: generous, and never asserted on
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--disable-extensions",
    "--hide-scrollbars",
    "--proxy-server=127.0.0.1:9",
    "--host-resolver-rules=MAP * ~NOTFOUND",
)
# the README's example: the bundled samples (old) against the rollout of the golden case
# diff-smallorg-repoint (its changed files laid over a copy of the samples: new), with the
# example inventory, run in a folder of its own so the page names them old and new
ROLLOUT = ROOT / "tests" / "cases" / "diff-smallorg-repoint" / "new"
README_DIFF = ("diff", "old", "new", "--tenants", "tenants.csv", "--format", "html")
README_SCREENSHOT = ROOT / "docs" / "diff-report.png"
README_SIZE = (1200, 1500)


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def version(binary: str) -> str:
    run = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=120)
    return run.stdout.strip()


@dataclass(frozen=True)
class Page:
    dom: str
    screenshot: Path
    log: str


def open_page(
    binary: str, page: Path, work: Path, *, size: tuple[int, int], screenshot: Path | None = None
) -> Page:
    """Load `page` (a local file) once: its DOM and a screenshot of `size` (width, height)."""
    shot = screenshot or work / f"{page.stem}.png"
    profile = Path(tempfile.mkdtemp(prefix="chromium-profile-", dir=work))
    run = subprocess.run(
        [
            binary,
            *FLAGS,
            f"--user-data-dir={profile}",
            f"--window-size={size[0]},{size[1]}",
            f"--screenshot={shot}",
            "--dump-dom",
            page.resolve().as_uri(),
        ],
        capture_output=True,
        text=True,
        timeout=LAUNCH_TIMEOUT,
        stdin=subprocess.DEVNULL,
    )
    shutil.rmtree(profile, ignore_errors=True)
    if run.returncode != 0 or not shot.exists():
        raise AssertionError(f"chromium failed ({run.returncode}): {run.stderr[-2000:]}")
    return Page(run.stdout, shot, run.stderr)


# --------------------------------------------------------------------------- the DOM


class Dom(HTMLParser):
    """The elements of a dumped DOM: tag names, attributes, and the text."""

    def __init__(self, markup: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.text: list[str] = []
        self.rows: list[list[str]] = []  # each table row's cells' text
        self.feed(markup)
        self.close()

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "tr":
            self.rows.append([])
        elif tag in ("td", "th") and self.rows:
            self.rows[-1].append("")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))

    def handle_data(self, data: str) -> None:
        self.text.append(data)
        if self.rows and self.rows[-1]:
            self.rows[-1][-1] += data

    def row(self, first: str) -> list[str]:
        """The cells (stripped) of the first table row whose first cell reads `first`."""
        row = next(row for row in self.rows if row and row[0].strip() == first)
        return [cell.strip() for cell in row]

    def named(self, tag: str) -> list[dict[str, str | None]]:
        return [attrs for name, attrs in self.tags if name == tag]

    @property
    def all_text(self) -> str:
        return "".join(self.text)


# --------------------------------------------------------------------------- PNG


@dataclass(frozen=True)
class Png:
    width: int
    height: int
    colours: int  # distinct colours among the pixels
    ink: float  # the share of pixels unlike the most common one (the background)


def read_png(path: Path) -> Png:
    """Parse an 8-bit RGB or RGBA PNG with the standard library: size and what it shows."""
    data = path.read_bytes()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise AssertionError(f"{path} is not a PNG")
    position, chunks, idat = 8, {}, bytearray()
    while position < len(data):
        (length,) = struct.unpack(">I", data[position : position + 4])
        kind = data[position + 4 : position + 8]
        body = data[position + 8 : position + 8 + length]
        if zlib.crc32(kind + body) != struct.unpack(">I", data[position + 8 + length :][:4])[0]:
            raise AssertionError(f"{path}: bad CRC in {kind!r}")
        if kind == b"IDAT":
            idat += body
        chunks.setdefault(kind, body)
        position += 12 + length
    width, height, depth, colour = struct.unpack(">IIBB", chunks[b"IHDR"][:10])
    if depth != 8 or colour not in (2, 6):
        raise AssertionError(f"{path}: unexpected PNG format (depth {depth}, colour {colour})")
    step = 3 if colour == 2 else 4
    raw, stride = zlib.decompress(bytes(idat)), width * step
    counts: dict[bytes, int] = {}
    previous = bytearray(stride)
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        _unfilter(kind, line, previous, step)
        for x in range(0, stride, step * 4):  # every fourth pixel is plenty to judge
            pixel = bytes(line[x : x + step])
            counts[pixel] = counts.get(pixel, 0) + 1
        previous = line
    total = sum(counts.values())
    return Png(width, height, len(counts), 1 - max(counts.values()) / total)


def _unfilter(kind: int, line: bytearray, previous: bytearray, step: int) -> None:
    if kind == 0:
        return
    for i in range(len(line)):
        left = line[i - step] if i >= step else 0
        up = previous[i]
        if kind == 1:
            line[i] = (line[i] + left) & 0xFF
        elif kind == 2:
            line[i] = (line[i] + up) & 0xFF
        elif kind == 3:
            line[i] = (line[i] + ((left + up) >> 1)) & 0xFF
        elif kind == 4:
            corner = previous[i - step] if i >= step else 0
            estimate = left + up - corner
            pa, pb, pc = abs(estimate - left), abs(estimate - up), abs(estimate - corner)
            best = left if pa <= pb and pa <= pc else up if pb <= pc else corner
            line[i] = (line[i] + best) & 0xFF
        else:
            raise AssertionError(f"unknown PNG filter {kind}")


def readme_example(work: Path) -> Path:
    """The README's example laid out in `work`/example: old/, new/ and tenants.csv."""
    folder = work / "example"
    samples = shutil.ignore_patterns("__init__.py", "__pycache__")
    shutil.copytree(ROOT / "serviceplans", folder / "old", ignore=samples)
    shutil.copytree(ROOT / "serviceplans", folder / "new", ignore=samples)
    for changed in ROLLOUT.iterdir():
        shutil.copyfile(changed, folder / "new" / changed.name)
    shutil.copyfile(ROOT / "examples" / "tenants.csv", folder / "tenants.csv")
    return folder


def readme_screenshot(binary: str, work: Path, target: Path = README_SCREENSHOT) -> Page:
    """Render the README's example diff and screenshot it (into docs/diff-report.png)."""
    folder = readme_example(work)
    page = work / "diff-report.html"
    run = subprocess.run(
        [sys.executable, "-m", "serviceplan", *README_DIFF, "-o", str(page)],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=LAUNCH_TIMEOUT,
    )
    if run.returncode not in (0, 1) or not page.exists():
        raise AssertionError(f"serviceplan diff failed: {run.stderr}")
    return open_page(binary, page, work, size=README_SIZE, screenshot=target)


if __name__ == "__main__":
    found = chromium()
    if found is None:
        sys.exit("chromium is not installed (apt-get install chromium)")
    with tempfile.TemporaryDirectory() as folder:
        readme_screenshot(found, Path(folder))
    print(f"{README_SCREENSHOT.relative_to(ROOT)} written with {version(found)}")
