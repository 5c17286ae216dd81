"""Benchmark tenant inventories from files and databases (issue 15).

Generates N tenants (1,000,000 by default) for the sample plans shipped in the package, into
a CSV file, a SQLite database and, when SERVICEPLAN_TEST_POSTGRES_URL (or --postgres) names a
reachable server, PostgreSQL (both loaded with `serviceplan tenants import`, timed). Then,
each command in a fresh process (`python -c` running the CLI, peak RSS from getrusage):

  diff --tenants  `diff plans new --tenants SOURCE -o report.json` for a realistic edit (the
                  SmallOrg offer repointed from SmallBusiness to MediumBusiness: a sixth of
                  the tenants reached), from each source
  tenants check   `tenants check SOURCE plans --format json` from each source (1 in 100
                  tenants over its MailboxCountQuota)
  render          `render --tenants CSV --jobs 2` into a tmpfs folder, against a bare
                  csv.DictReader + template.render + write loop in 2 forked processes (the
                  floor of benchmarks/render.py), in the same run
  peak RSS        of diff, check and render at --small (10,000) and N tenants

Targets: diff --tenants on N <= 10 s from CSV and SQLite, <= 15 s from PostgreSQL; render
<= 1.5x the floor; peak RSS at N within 64 MB of the peak at 10,000 (render, diff).

Run from the repository root:  nice python benchmarks/tenants.py [--tenants N] [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
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

from _common import Row, environment, fail, log, rate, report
from render import _PROBE, CORES, PAIRS, floor_contexts, floor_once, pin_cores

DIFF_TARGET = {"csv": 10.0, "sqlite": 10.0, "postgresql": 15.0}
RENDER_VS_FLOOR = 1.5
RSS_GROWTH_MIB = 64.0
LIMIT = f"<= +{RSS_GROWTH_MIB:g} MiB"
PLAN_OF = {
    ("Business", "SmallOrg"): ("SmallBusiness", 250),
    ("Business", "MedOrg"): ("MediumBusiness", 1000),
    ("Business", "LargeOrg"): ("LargeBusiness", 5000),
    ("Hosting", "AllFeatures"): ("HostingAllFeatures", 1000),
    ("Hosting", "BusinessMapi"): ("HostingBusinessMapi", 1000),
    ("Hosting", "BusinessNonMapi"): ("HostingBusinessNonMapi", 1000),
}
TEMPLATE = "new-organization.ps1"


def generate(path: Path, count: int, seed: int) -> None:
    """Unique names, the six sample pairs, each tenant's plan, mailboxes within its quota but
    for 1 in 100."""
    chooser = random.Random(seed)
    with path.open("w", encoding="utf-8", newline="") as stream:
        writer = csv.writer(stream)
        writer.writerow(["name", "domain", "program_id", "offer_id", "location", "plan",
                         "mailboxes", "contact"])  # fmt: skip
        for number in range(count):
            program, offer = PAIRS[number % len(PAIRS)]
            plan, quota = PLAN_OF[(program, offer)]
            over = chooser.random() < 0.01
            mailboxes = quota + chooser.randint(1, 50) if over else chooser.randint(1, quota)
            domain = f"t{number:07d}.example"
            writer.writerow([f"Tenant {number:07d} Ltd", domain, program, offer, "en-us", plan,
                             mailboxes, f"admin@{domain}"])  # fmt: skip


def cli(*args: str, ok: Sequence[int] = (0, 1)) -> tuple[float, float]:
    """Seconds and peak RSS (MiB, the larger of the main process and its largest worker)."""
    command = [sys.executable, "-c", _PROBE, *args]
    start = time.perf_counter()
    run = subprocess.run(command, capture_output=True, text=True, check=False)
    seconds = time.perf_counter() - start
    try:
        probe = json.loads(run.stdout.strip().splitlines()[-1])
    except (IndexError, ValueError):
        fail(f"{' '.join(args[:3])} failed:\n{run.stdout[-2000:]}\n{run.stderr[-2000:]}")
    if probe["code"] not in ok:
        fail(f"{' '.join(args[:3])} exited {probe['code']}:\n{run.stderr[-2000:]}")
    return seconds, max(probe["main"], probe["workers"]) / 1024


def sources(root: Path, count: int, postgres: str | None) -> tuple[dict[str, str], list[Row]]:
    """The inventory as CSV, SQLite and PostgreSQL (when given), with the imports timed."""
    inventory = root / f"tenants-{count}.csv"
    generate(inventory, count, seed=count)
    found = {"csv": str(inventory), "sqlite": f"sqlite:///{root}/tenants-{count}.db"}
    if postgres:
        found["postgresql"] = postgres
    rows = []
    for name in ("sqlite", "postgresql"):
        if name in found:
            table = f"tenants_{count}"
            seconds, _ = cli("tenants", "import", str(inventory), found[name], "--table", table,
                             "--replace", ok=(0,))  # fmt: skip
            found[name] = f"{found[name]}\t{table}"
            note = "read the CSV, one transaction"
            rows.append(Row(f"tenants import ({name}, {count:,})", count, seconds,
                            rate(count, seconds), note=note))  # fmt: skip
    return found, rows


def source_args(source: str) -> list[str]:
    url, _, table = source.partition("\t")
    return [url, "--tenants-table", table] if table else [url]


def diff_check(root: Path, found: dict[str, str], count: int, rss: dict[str, Any]) -> list[Row]:
    rows = []
    for name, source in found.items():
        where, *table = source_args(source)
        seconds, diff_mib = cli("diff", str(root / "plans"), str(root / "new"), "--tenants",
                                where, *table, "-o", str(root / "diff.json"),
                                "--format", "json")  # fmt: skip
        target = DIFF_TARGET[name]
        rows.append(Row(f"diff --tenants ({name})", count, seconds, rate(count, seconds),
                        target=f"<= {target:g} s" if count >= 1_000_000 else "",
                        passed=seconds <= target if count >= 1_000_000 else None,
                        note=f"peak RSS {diff_mib:.0f} MiB"))  # fmt: skip
        seconds, check_mib = cli("tenants", "check", where, str(root / "plans"), *table,
                                 "--format", "json")  # fmt: skip
        rows.append(Row(f"tenants check ({name})", count, seconds, rate(count, seconds),
                        note=f"peak RSS {check_mib:.0f} MiB"))  # fmt: skip
        rss.setdefault(name, {})[count] = {"diff": diff_mib, "check": check_mib}
    return rows


def render_rows(root: Path, out_root: Path, inventory: str, count: int) -> tuple[list[Row], float]:
    from serviceplan.render.env import find_template

    out = Path(tempfile.mkdtemp(prefix="ours-", dir=out_root))
    seconds, mib = cli("render", str(root / "plans"), "--tenants", inventory, "--template",
                       TEMPLATE, "--out", str(out), "--jobs", str(CORES))  # fmt: skip
    shutil.rmtree(out)
    floor, floor_count = floor_once(Path(inventory), out_root, find_template(TEMPLATE),
                                    floor_contexts())  # fmt: skip
    ratio = seconds / floor
    return [
        Row("render (serviceplan CLI)", count, seconds, rate(count, seconds),
            ratio=f"ours/floor {ratio:.2f}", ratio_value=ratio,
            target=f"<= {RENDER_VS_FLOOR}x floor", passed=ratio <= RENDER_VS_FLOOR,
            note=f"--jobs {CORES} into tmpfs, start-up included; peak RSS {mib:.0f} MiB"),
        Row("bare render + write floor", floor_count, floor, rate(floor_count, floor),
            note="benchmarks/render.py's floor: DictReader, render, write; 2 processes"),
    ], mib  # fmt: skip


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tenants", type=int, default=1_000_000)
    parser.add_argument("--small", type=int, default=10_000)
    parser.add_argument("--postgres", default=os.environ.get("SERVICEPLAN_TEST_POSTGRES_URL"))
    parser.add_argument("--tmpfs", default="/dev/shm", help="where render writes (/dev/shm)")
    parser.add_argument("--no-render", action="store_true", help="skip render (the longest)")
    parser.add_argument("--render-only", action="store_true", help="only render, from the CSV")
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    return parser.parse_args(argv)


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    pin_cores(CORES)
    with tempfile.TemporaryDirectory(prefix="bench-tenants-") as folder:
        root = Path(folder)
        subprocess.run([sys.executable, "-m", "serviceplan", "examples", str(root / "plans")],
                       check=True, capture_output=True)  # fmt: skip
        shutil.copytree(root / "plans", root / "new")
        remap = root / "new" / "ServicePlanHostingRemap.csv"
        remap.write_text(
            remap.read_text().replace("SmallOrg,SmallBusiness", "SmallOrg,MediumBusiness")
        )
        rows: list[Row] = []
        rss: dict[str, Any] = {}
        render_mib: dict[int, float] = {}
        out_root = Path(tempfile.mkdtemp(prefix="bench-render-", dir=args.tmpfs))
        try:
            for count in (args.small, args.tenants):
                if args.render_only:
                    found = {"csv": str(root / f"tenants-{count}.csv")}
                    generate(Path(found["csv"]), count, seed=count)
                else:
                    log(f"{count:,} tenants: generating and importing")
                    found, imported = sources(root, count, args.postgres)
                    rows += imported
                    log(f"{count:,} tenants: diff and check")
                    rows += diff_check(root, found, count, rss)
                if not args.no_render:
                    log(f"{count:,} tenants: render and the floor")
                    made, render_mib[count] = render_rows(root, out_root, found["csv"], count)
                    rows += made if count == args.tenants else []
        finally:
            shutil.rmtree(out_root, ignore_errors=True)
        small, big = args.small, args.tenants
        for name, sizes in rss.items():
            growth = sizes[big]["diff"] - sizes[small]["diff"]
            shown = f"{sizes[small]['diff']:.0f} -> {sizes[big]['diff']:.0f} MiB"
            rows.append(Row(f"RSS growth, diff ({name})", big, None, None, ratio=shown,
                            target=LIMIT, passed=growth <= RSS_GROWTH_MIB))  # fmt: skip
        if render_mib:
            growth = render_mib[big] - render_mib[small]
            shown = f"{render_mib[small]:.0f} -> {render_mib[big]:.0f} MiB"
            rows.append(Row("RSS growth, render (csv)", big, None, None, ratio=shown,
                            target=LIMIT, passed=growth <= RSS_GROWTH_MIB))  # fmt: skip
    facts = environment(None)
    return report("tenants", facts, rows, as_json=args.json, check=args.check, rss_mib=rss,
                  render_rss_mib=render_mib)  # fmt: skip


if __name__ == "__main__":
    sys.exit(main())
