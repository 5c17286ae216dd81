"""Benchmark `serviceplan compile` against a bare lxml parse loop.

Generates realistic, valid plan files (variations of the bundled samples plus a
ServicePlanHostingRemap.csv that references every plan, as benchmarks/validate.py does), then,
in one process pinned to one core, times:

  compile       serviceplan.pipeline.compile_plans([folder]) - every plan resolved with its
                provenance (the model: discovery, read, validation, resolve), no output
  validate      serviceplan.pipeline.validate_paths([folder]) on the same files (reported,
                no target: the share of compile's time that is validation, not resolve)
  render_json   serviceplan.report.compiled.render_json(plans) - the JSON document the CLI
                prints for those plans (reported, no target)
  lxml floor    read bytes + etree.fromstring per plan file with the parser compile uses
                (serviceplan.plan.schema.safe_parser(keep_comments=False))

Target (issue 4): compile takes at most 3x the floor's time.

Run from the repository root:  python benchmarks/compile.py [--json] [--check]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from _common import (
    Row,
    best_of,
    environment,
    fail,
    log,
    pin_to_one_core,
    rate,
    report,
)
from _corpus import bench_folder, generate

# The target: compile's time over the bare parse loop's time.
TARGET_VS_FLOOR = 3.0

# --------------------------------------------------------------------------- measurements


def measure_compile(folder: Path, count: int, repeat: int) -> tuple[Row, Row, int]:
    """The compile line, its first call, and how many settings one compile resolves."""
    from serviceplan.pipeline import compile_plans

    start = time.perf_counter()
    result = compile_plans([str(folder)])  # the once-only correctness check
    first = time.perf_counter() - start
    report = result.report
    if report.findings:
        shown = "\n".join(f"  {finding}" for finding in report.findings[:10])
        fail(f"the generated plans are not clean ({len(report.findings)} findings):\n{shown}")
    if len(report.files) != count + 1 or len(result.plans) != count:
        fail(
            f"compile saw {len(report.files)} files and resolved {len(result.plans)} plans, "
            f"expected {count} plans + the remap"
        )
    if any(len(plan.selected_by) != 1 for plan in result.plans):
        fail("every generated plan should be selected by exactly one remap line")
    settings = sum(
        len(plan.organization) + sum(len(m.settings) for m in plan.mailbox_plans)
        for plan in result.plans
    )
    # a live result makes every garbage collection in the timed runs walk 1,000 plans more
    del result
    seconds = best_of(lambda: compile_plans([str(folder)]), repeat)
    ours = Row(
        "compile (model)",
        count,
        seconds,
        rate(count, seconds),
        note="compile_plans([folder]): discovery, read, parse, XSD, rules, remap, "
        f"resolve ({settings:,} settings); best of the warm runs",
    )
    cold = Row(
        "compile, first call",
        count,
        first,
        rate(count, first),
        note="the first compile_plans call of the process (XSD compile, catalogue load)",
    )
    return ours, cold, settings


def measure_render(folder: Path, count: int, repeat: int) -> tuple[Row, int]:
    """render_json over the compiled plans (compiled once, outside the timing)."""
    from serviceplan import __version__
    from serviceplan.pipeline import compile_plans
    from serviceplan.report import ReportOptions
    from serviceplan.report.compiled import render_json

    plans = compile_plans([str(folder)]).plans
    options = ReportOptions(tool_version=__version__)
    size = len(render_json(plans, options).encode("utf-8"))
    seconds = best_of(lambda: render_json(plans, options), repeat)
    return Row(
        "render_json",
        count,
        seconds,
        rate(count, seconds),
        note=f"render_json(plans): the --format json document, {size / 1e6:.1f} MB "
        "(plans compiled beforehand, not timed); no target",
    ), size


def measure_validate(folder: Path, count: int, repeat: int) -> Row:
    """What validation alone costs on the same files: the part of compile that is not resolve."""
    from serviceplan.pipeline import ValidateOptions, validate_paths

    options = ValidateOptions()
    seconds = best_of(lambda: validate_paths([str(folder)], options), repeat)
    return Row(
        "validate (same files)",
        count,
        seconds,
        rate(count, seconds),
        note="validate_paths([folder]): what compile does before resolving (values "
        "only, no provenance); no target here, shows where compile's time goes",
    )


def measure_floor(paths: Sequence[Path], repeat: int) -> Row:
    from lxml import etree

    from serviceplan.plan.schema import safe_parser

    parser = safe_parser(keep_comments=False)

    def loop() -> None:
        for path in paths:
            etree.fromstring(path.read_bytes(), parser)

    seconds = best_of(loop, repeat)
    return Row(
        "lxml parse floor",
        len(paths),
        seconds,
        rate(len(paths), seconds),
        note="per plan file: read_bytes + etree.fromstring with "
        "safe_parser(keep_comments=False); no schema, no rules, no model",
    )


def versus_floor(row: Row, floor: Row, target: bool) -> Row:
    """The row with its ratio to the floor (time over time), judged when it has a target."""
    assert row.seconds is not None and floor.seconds is not None
    ratio = row.seconds / floor.seconds
    row.ratio, row.ratio_value = f"{ratio:.2f}x the floor", ratio
    if target:
        row.target = f"<= {TARGET_VS_FLOOR:g}x the floor"
        row.passed = ratio <= TARGET_VS_FLOOR
    return row


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/compile.py",
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--files", type=int, default=1000, help="plans to generate (1000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per line, best kept (3)")
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="write the plans here and keep them (default: a temporary folder)",
    )
    parser.add_argument("--seed", type=int, default=2010, help="generator seed (2010)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.files < 1 or args.repeat < 1:
        parser.error("counts must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cpu = pin_to_one_core()

    with bench_folder(args.out) as folder:
        log(f"generating {args.files} plans in {folder} ...")
        paths = generate(folder, args.files, args.seed)
        log("timing compile ...")
        ours, cold, settings = measure_compile(folder, args.files, args.repeat)
        log("timing validate ...")
        validate = measure_validate(folder, args.files, args.repeat)
        log("timing render_json ...")
        render, size = measure_render(folder, args.files, args.repeat)
        log("timing the lxml floor ...")
        floor = measure_floor(paths, args.repeat)
    rows = [
        versus_floor(ours, floor, target=True),
        cold,
        versus_floor(validate, floor, target=False),
        versus_floor(render, floor, target=False),
        floor,
    ]

    return report(
        "compile",
        environment(cpu),
        rows,
        as_json=args.json,
        check=args.check,
        files=args.files,
        repeat=args.repeat,
        settings=settings,
        json_bytes=size,
    )


if __name__ == "__main__":
    sys.exit(main())
