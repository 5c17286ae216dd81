"""Benchmark `serviceplan render` against a bare Jinja2 render + write loop.

Generates an inventory of N tenants (100,000 by default) for the sample plans shipped in the
package, pins this process (and so its workers) to 2 CPUs, and in the same run times:

  render       serviceplan.pipeline.render_tenants([], RenderOptions(tenants=..., jobs=2)) into an
               empty folder: inventory read, plans compiled, file names, two worker
               processes, staging, the atomic renames, index.json
  rerun        the same into the same folder again: every file unchanged, none written
  floor        the same template file in one Environment per process (its filters, no
               output policy), csv.DictReader over the same inventory, then per tenant
               template.render + open/write into a folder, the tenants split over 2 forked
               processes; plans compiled beforehand (not timed)
  cli          `python -m serviceplan render --jobs 2` as a subprocess (start-up included)
  peak RSS     of the CLI at 10,000 and N tenants, each in a fresh process (main process and
               the largest worker)

Targets (issue 6): N = 100,000 tenants on 2 cores within 20 s, and within 1.5x the floor.

Run from the repository root:  python benchmarks/render.py [--json] [--check]
"""

from __future__ import annotations

import argparse
import csv
import json
import multiprocessing
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import Row, environment, fail, format_table, log, rate, to_json

TARGET_SECONDS = 20.0
TARGET_VS_FLOOR = 1.5
CORES = 2
PAIRS = (
    ("Business", "SmallOrg"), ("Business", "MedOrg"), ("Business", "LargeOrg"),
    ("Hosting", "AllFeatures"), ("Hosting", "BusinessMapi"), ("Hosting", "BusinessNonMapi"),
)  # fmt: skip
WORDS = (
    "Contoso", "Fabrikam", "Alpine", "Ski", "House", "Tailspin", "Toys", "Woodgrove", "Bank",
    "Litware", "Northwind", "Traders", "Adventure", "Works", "Wingtip", "Coho", "Winery",
    "Proseware", "Trey", "Research", "Lucerne", "Publishing", "Margie's", "Travel", "Müller",
)  # fmt: skip
SUFFIXES = ("Ltd", "Inc.", "GmbH", "& Sons", "AG", "SA", "LLC", "")

# --------------------------------------------------------------------------- set-up


def pin_cores(count: int) -> list[int] | None:
    """Pin this process (its children inherit it) to its first `count` allowed CPUs."""
    if not hasattr(os, "sched_setaffinity"):
        return None
    cpus = sorted(os.sched_getaffinity(0))[:count]
    os.sched_setaffinity(0, set(cpus))
    return cpus


def generate(path: Path, count: int, seed: int) -> None:
    """A realistic inventory: unique names with spaces and punctuation, the six sample pairs."""
    chooser = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["name", "domain", "program_id", "offer_id", "location", "plan",
                         "mailboxes", "contact"])  # fmt: skip
        for number in range(count):
            words = " ".join(chooser.sample(WORDS, 2))
            name = f"{words} {chooser.choice(SUFFIXES)} {number:06d}".replace("  ", " ")
            domain = f"t{number:06d}.{chooser.choice(('com', 'net', 'example'))}"
            program, offer = chooser.choice(PAIRS)
            location = chooser.choice(("en-us", "en-gb", "de-de", "fr-fr", ""))
            writer.writerow([name, domain, program, offer, location, "",
                             chooser.randint(1, 5000), f"admin@{domain}"])  # fmt: skip


def fresh_folder(root: Path, label: str) -> Path:
    folder = Path(tempfile.mkdtemp(prefix=f"{label}-", dir=root))
    os.sync()  # the previous run's writes and deletions out of the way of this one
    return folder


# --------------------------------------------------------------------------- ours


def render_once(
    inventory: Path, root: Path, template: str, rerun: bool
) -> tuple[float, float, int]:
    """One timed render into an empty folder (and, when asked, one rerun into it)."""
    from serviceplan.pipeline import bundled_plans, render_tenants
    from serviceplan.render.run import RenderOptions

    out = fresh_folder(root, "ours")
    options = RenderOptions(tenants=str(inventory), template=template, out=str(out), jobs=CORES)
    start = time.perf_counter()
    result = render_tenants([bundled_plans()], options)
    seconds = time.perf_counter() - start
    count = len(result.outcomes)
    if result.failed or result.count("create") != count:
        fail(f"render failed: {result.summary()}")
    again = float("nan")
    if rerun:
        start = time.perf_counter()
        repeated = render_tenants([bundled_plans()], options)
        again = time.perf_counter() - start
        if repeated.count("unchanged") != count:
            fail(f"the rerun changed files: {repeated.summary()}")
    shutil.rmtree(out)
    return seconds, again, count


# --------------------------------------------------------------------------- floor

_FLOOR: dict[str, Any] = {}


def _floor_work(span: tuple[int, int]) -> int:
    import jinja2

    from serviceplan.render.env import ps_quote, size, tojson

    state = _FLOOR
    if "template" not in state:
        env = jinja2.Environment(
            loader=jinja2.FileSystemLoader(state["folder"]), undefined=jinja2.StrictUndefined,
            autoescape=False, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True,
        )  # fmt: skip
        env.filters.update(ps_quote=ps_quote, tojson=tojson, size=size)
        env.globals["warn"] = lambda message: ""  # the built-in's warnings: not counted here
        state["template"] = env.get_template(state["name"])
    template, rows, out = state["template"], state["rows"], state["out"]
    plans, tool = state["plans"], state["tool"]
    for number in range(*span):
        row = rows[number]
        plan, remap = plans[(row["program_id"].casefold(), row["offer_id"].casefold())]
        mailboxes = int(row["mailboxes"]) if row["mailboxes"] else None
        tenant = {**row, "line": number + 2, "mailboxes": mailboxes}
        text = template.render(tenant=tenant, plan=plan, remap=remap, tool=tool)
        with open(os.path.join(out, f"{number}.ps1"), "w", encoding="utf-8") as stream:  # noqa: PTH118
            stream.write(text)
    return span[1] - span[0]


def floor_contexts() -> dict[tuple[str, str], tuple[dict[str, Any], dict[str, Any]]]:
    """Plain-dict plan and remap contexts for each pair (compiled once, not timed)."""
    from serviceplan.model import base_name as file_name
    from serviceplan.pipeline import bundled_plans, compile_plans
    from serviceplan.report.compiled import plan_json

    contexts = {}
    for plan in compile_plans([bundled_plans()]).plans:
        document = plan_json(plan)
        default = next(m["name"] for m in document["mailbox_plans"] if m["provision_as_default"])
        document.update(file_name=file_name(plan.source), default_mailbox_plan=default)
        for row in plan.selected_by:
            remap = {"program_id": row.program_id, "offer_id": row.offer_id,
                     "plan_name": row.plan_name, "file": row.location.file,
                     "line": row.location.line, "location": row.location.brief()}  # fmt: skip
            contexts[row.key] = (document, remap)
    return contexts


def floor_once(inventory: Path, root: Path, spec: Any, plans: Any) -> tuple[float, int]:
    """One timed run of the bare loop into an empty folder."""
    from serviceplan import __version__

    out = fresh_folder(root, "floor")
    start = time.perf_counter()
    with inventory.open(encoding="utf-8", newline="") as stream:
        rows = list(csv.DictReader(stream))
    _FLOOR.clear()
    _FLOOR.update(folder=spec.folder, name=spec.file, rows=rows, out=str(out), plans=plans,
                  tool={"name": "serviceplan", "version": __version__})  # fmt: skip
    half = -(-len(rows) // CORES)
    spans = [(first, min(first + half, len(rows))) for first in range(0, len(rows), half)]
    with multiprocessing.get_context("fork").Pool(CORES) as pool:
        count = sum(pool.map(_floor_work, spans))
    seconds = time.perf_counter() - start
    shutil.rmtree(out)
    return seconds, count


def measure(inventory: Path, root: Path, template: str, repeat: int) -> tuple[Row, Row, Row]:
    """Ours and the floor, alternately (the disk's state drifts): best of each."""
    from serviceplan.render.env import find_template

    spec, plans = find_template(template), floor_contexts()
    ours = floor = rerun = float("inf")
    count = floor_count = 0
    for attempt in range(repeat):
        seconds, again, count = render_once(inventory, root, template, rerun=attempt == 0)
        ours = min(ours, seconds)
        rerun = min(rerun, again) if attempt == 0 else rerun
        seconds, floor_count = floor_once(inventory, root, spec, plans)
        floor = min(floor, seconds)
    return (
        Row("render (serviceplan)", count, ours, rate(count, ours),
            note=f"render_tenants, --jobs {CORES}, into an empty folder: inventory, compile, "
            "names, render, staging, renames, index.json; best of the runs"),
        Row("rerun, all unchanged", count, rerun, rate(count, rerun),
            note="the same into the same folder: bytes compared, nothing written"),
        Row("bare render + write floor", floor_count, floor, rate(floor_count, floor),
            note=f"csv.DictReader, then per tenant template.render + open/write, {CORES} "
            "forked processes, one Environment each; plans compiled beforehand"),
    )  # fmt: skip


# --------------------------------------------------------------------------- CLI, memory

_PROBE = """
import contextlib, io, json, resource, sys
from serviceplan.cli import main
with contextlib.redirect_stdout(io.StringIO()):
    code = main(sys.argv[1:])
usage = resource.getrusage
print(json.dumps({"code": code,
                  "main": usage(resource.RUSAGE_SELF).ru_maxrss,
                  "workers": usage(resource.RUSAGE_CHILDREN).ru_maxrss}))
"""


def cli_run(inventory: Path, root: Path, template: str) -> tuple[float, dict[str, int]]:
    """Wall time and peak RSS (KiB, main and largest worker) of one CLI run, fresh process."""
    out = fresh_folder(root, "cli")
    command = [sys.executable, "-c", _PROBE, "render", "--tenants", str(inventory),
               "--template", template, "--out", str(out), "--jobs", str(CORES)]  # fmt: skip
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    shutil.rmtree(out)
    try:
        probe = json.loads(run.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        fail(f"the CLI run failed:\n{run.stdout}\n{run.stderr}")
    if probe["code"] != 0:
        fail(f"the CLI run exited {probe['code']}:\n{run.stderr}")
    return seconds, probe


# --------------------------------------------------------------------------- main


def file_system(folder: str | None) -> str:
    """The type of the file system holding `folder` (from /proc/mounts), when known."""
    target = os.path.realpath(folder or tempfile.gettempdir())
    best, kind = "", "unknown file system"
    try:
        for line in Path("/proc/mounts").read_text(encoding="utf-8").splitlines():
            _, mount, fstype, *_ = line.split()
            inside = target == mount or target.startswith(mount.rstrip("/") + "/")
            if inside and len(mount) >= len(best):
                best, kind = mount, fstype
    except OSError:
        pass
    return kind


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/render.py", description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter)  # fmt: skip
    parser.add_argument("--tenants", type=int, default=100_000, help="tenants (100000)")
    parser.add_argument(
        "--small",
        type=int,
        default=10_000,
        help="the smaller inventory for the RSS comparison (10000)",
    )
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per line, best kept (3)")
    parser.add_argument(
        "--template",
        default="new-organization.ps1",
        help="the built-in template to render (new-organization.ps1)",
    )
    parser.add_argument(
        "--dir",
        help="where to write the inventory and the output folders "
        "(default: the system's temporary folder); e.g. /dev/shm to leave the "
        "disk out of the figures",
    )
    parser.add_argument("--seed", type=int, default=2010, help="generator seed (2010)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.tenants < 1 or args.small < 1 or args.repeat < 1:
        parser.error("counts must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cpus = pin_cores(CORES)
    with tempfile.TemporaryDirectory(prefix="render-bench-", dir=args.dir) as temporary:
        root = Path(temporary)
        inventory, small = root / "tenants.csv", root / "small.csv"
        log(f"generating {args.tenants:,} tenants ...")
        generate(inventory, args.tenants, args.seed)
        generate(small, args.small, args.seed)
        # first, while this process is small: a child's peak RSS starts from its parent's
        log("timing the CLI and its memory ...")
        _, small_rss = cli_run(small, root, args.template)
        cli_seconds, big_rss = cli_run(inventory, root, args.template)
        log("timing render and the floor, alternately ...")
        ours, rerun, floor = measure(inventory, root, args.template, args.repeat)
    assert ours.seconds is not None and floor.seconds is not None
    ratio = ours.seconds / floor.seconds
    ours.ratio, ours.ratio_value = f"{ratio:.2f}x the floor", ratio
    ours.target, ours.passed = f"<= {TARGET_VS_FLOOR:g}x the floor", ratio <= TARGET_VS_FLOOR
    cli = Row(
        "python -m serviceplan render",
        args.tenants,
        cli_seconds,
        rate(args.tenants, cli_seconds),
        target=f"<= {TARGET_SECONDS:g} s",
        passed=cli_seconds <= TARGET_SECONDS,
        note=f"--jobs {CORES}, a fresh process (start-up, imports) into an empty folder",
    )
    ours_rows = [ours, rerun, floor, cli]
    memory = {
        "small": {"tenants": args.small, "main_mib": small_rss["main"] / 1024,
                  "workers_mib": small_rss["workers"] / 1024},
        "large": {"tenants": args.tenants, "main_mib": big_rss["main"] / 1024,
                  "workers_mib": big_rss["workers"] / 1024},
    }  # fmt: skip
    facts = environment(None)
    facts["pinned"] = f"CPUs {cpus}" if cpus else "no (sched_setaffinity unavailable)"
    facts["template"] = args.template
    facts["folder"] = f"{args.dir or tempfile.gettempdir()} ({file_system(args.dir)})"
    if args.json:
        print(to_json("render", facts, ours_rows, tenants=args.tenants, repeat=args.repeat,
                      peak_rss=memory))  # fmt: skip
    else:
        for key, value in facts.items():
            print(f"{key + ':':10} {value}")
        print()
        print(format_table(ours_rows))
        print("\npeak RSS of the CLI (fresh process each):")
        for entry in memory.values():
            print(f"  {entry['tenants']:>9,} tenants: main {entry['main_mib']:6.1f} MiB, "
                  f"largest worker {entry['workers_mib']:6.1f} MiB")  # fmt: skip
        print(
            "  (what grows: the inventory, which read_inventory holds whole, and one small\n"
            "  outcome per tenant; no rendered text is kept. A forked worker's RSS counts the\n"
            "  pages it shares with the main process.)"
        )
    missed = [row.name for row in ours_rows if row.passed is False]
    if missed and not args.json:
        print(f"\nmissed targets: {', '.join(missed)}")
    return 1 if args.check and missed else 0


if __name__ == "__main__":
    sys.exit(main())
