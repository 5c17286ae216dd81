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

and, as whole commands (`serviceplan ...` in a fresh process each, the
best of --runs; the start-up of `serviceplan --version` subtracted from each):

  compile -f json   compile FOLDER -f json -o FILE   (issue 14: <= 6x the lxml floor)
  compile -f text   compile FOLDER -o FILE           (issue 14: no slower than before; reported)
  validate          validate FOLDER                  (reported; issue 14's "validate unchanged":
                                                      the parse + XSD floor at least 0.4x the
                                                      time of validate_paths, warm)
  parse + XSD floor the lxml floor plus XMLSchema.validate per file with the schema compile uses

with the peak RSS of each command; and what the compile -f json figure is made of: its fixed
cost (compile of one plan file, less the start-up: the imports, catalogue and schemas compile
loads beyond --version) and its cost per plan (the whole less that fixed cost).

Targets: compile_plans takes at most 3x the floor's time (issue 4); the whole commands as above
(issue 14).

Run from the repository root:  python benchmarks/compile.py [--json] [--check]
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Sequence
from pathlib import Path

from _common import (
    CliRun,
    Row,
    best_of,
    cli_run,
    environment,
    fail,
    log,
    pin_to_one_core,
    rate,
    report,
    startup,
)
from _corpus import bench_folder, generate

# The target: compile's time over the bare parse loop's time.
TARGET_VS_FLOOR = 3.0
# Issue 14: the whole `compile -f json` command over the same floor; the parse + XSD floor's
# time over validate's.
TARGET_JSON_VS_FLOOR = 6.0
TARGET_VALIDATE_SHARE = 0.4

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
        "only, no provenance); issue 14: unchanged, the parse + XSD floor >= 0.4x its time",
    )


def measure_floor(paths: Sequence[Path], repeat: int, *, schema: bool = False) -> Row:
    """The bare parse loop (with `schema`, each tree also validated against the XSD)."""
    from lxml import etree

    from serviceplan.plan.schema import compiled_schema, safe_parser

    parser, xsd = safe_parser(keep_comments=False), compiled_schema()

    def loop() -> None:
        for path in paths:
            root = etree.fromstring(path.read_bytes(), parser)
            if schema:
                xsd.validate(root)

    seconds = best_of(loop, repeat)
    return Row(
        "parse + XSD floor" if schema else "lxml parse floor",
        len(paths),
        seconds,
        rate(len(paths), seconds),
        note="the lxml floor plus compiled_schema().validate(root) per plan file"
        if schema
        else "per plan file: read_bytes + etree.fromstring with "
        "safe_parser(keep_comments=False); no schema, no rules, no model",
    )


def measure_sketch(paths: Sequence[Path], repeat: int) -> Row:
    """A lower bound for any compile in Python on lxml: parse, the hosting XSD, then one pass
    over every feature element, each turned into JSON bytes with its line (a cache per
    (feature, text)): no rules, no defaults, no model, no document assembled or written."""
    import orjson
    from lxml import etree

    from serviceplan.catalog import load_catalog
    from serviceplan.plan.schema import safe_parser
    from serviceplan.rules.fastpath import fast_path
    from serviceplan.values import BOOLEANS

    parser, schema = safe_parser(keep_comments=False), fast_path(load_catalog()).schema

    def one_pass() -> None:
        pieces, cache = [], {}
        for path in paths:
            root = etree.fromstring(path.read_bytes(), parser)
            schema.validate(root)
            for section in root.iter("Organization", "MailboxPlan"):
                for element in section:
                    key = (element.tag, element.text)
                    piece = cache.get(key)
                    if piece is None:
                        value = BOOLEANS.get(element.text or "")
                        piece = cache[key] = orjson.dumps({"value": value, "text": key[1]})
                    pieces.append(piece + str(element.sourceline).encode())

    seconds = best_of(one_pass, repeat)
    return Row(
        "one-pass sketch",
        len(paths),
        seconds,
        rate(len(paths), seconds),
        note="parse + hosting XSD + one pass turning each feature element into cached JSON "
        "bytes and its line; no rules, defaults, model or document: what is left of the 6x "
        "budget for those, the imports and writing the file is 6 minus its ratio",
    )


def measure_commands(
    folder: Path, count: int, runs: int, cpu: int | None
) -> tuple[CliRun, dict[str, CliRun]]:
    """The start-up, and each whole command of issue 14 (fresh processes, output to a file)."""
    out = folder.parent / f".{folder.name}-out"
    out.mkdir(exist_ok=True)
    try:
        base = startup(runs=max(10, runs), cpu=cpu)
        first = sorted(folder.glob("*.serviceplan"))[0]
        commands = {
            "compile -f json": ["compile", str(folder), "-f", "json", "-o", str(out / "c.json")],
            "compile -f json, one plan": [
                *("compile", str(first), "-f", "json", "-o", str(out / "1.json"))
            ],
            "compile -f text": ["compile", str(folder), "-o", str(out / "c.txt")],
            "validate": ["validate", str(folder)],
        }
        # the fixed cost is a difference of two short runs: more of them, the least disturbed
        short = {"compile -f json, one plan"}
        return base, {
            name: cli_run(args, runs=max(10, runs) if name in short else runs, cpu=cpu)
            for name, args in commands.items()
        }
    finally:
        for entry in out.iterdir():
            entry.unlink()
        out.rmdir()


def command_row(name: str, run: CliRun, base: CliRun, count: int, note: str) -> Row:
    seconds = max(run.seconds - base.seconds, 1e-9)
    return Row(
        name,
        count,
        seconds,
        rate(count, seconds),
        note=f"{note}; {run.seconds:.3f} s whole - {base.seconds:.3f} s start-up; "
        f"peak RSS {run.rss_kib / 1024:.0f} MiB",
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
    parser.add_argument(
        "--runs", type=int, default=3, help="fresh processes per whole command, best kept (3)"
    )
    parser.add_argument("--seed", type=int, default=2010, help="generator seed (2010)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.files < 1 or args.repeat < 1 or args.runs < 1:
        parser.error("counts must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cpu = pin_to_one_core()

    with bench_folder(args.out) as folder:
        log(f"generating {args.files} plans in {folder} ...")
        paths = generate(folder, args.files, args.seed)
        # the commands first, while this process is small: a child's peak RSS starts from its
        # parent's
        log("timing the whole commands ...")
        base, runs = measure_commands(folder, args.files, args.runs, cpu)
        log("timing compile ...")
        ours, cold, settings = measure_compile(folder, args.files, args.repeat)
        log("timing validate ...")
        validate = measure_validate(folder, args.files, args.repeat)
        log("timing render_json ...")
        render, size = measure_render(folder, args.files, args.repeat)
        log("timing the lxml floor ...")
        floor = measure_floor(paths, args.repeat)
        schema_floor = measure_floor(paths, args.repeat, schema=True)
        log("timing the one-pass sketch ...")
        sketch = measure_sketch(paths, args.repeat)
    json_row = command_row(
        "compile -f json (CLI)", runs["compile -f json"], base, args.files, "-o FILE"
    )
    json_row = versus_floor(json_row, floor, target=False)
    json_row.target = f"<= {TARGET_JSON_VS_FLOOR:g}x the floor"
    json_row.passed = (json_row.ratio_value or 0) <= TARGET_JSON_VS_FLOOR
    # what the whole-command ratio is made of: the fixed cost compile has beyond --version
    # (its imports, the catalogue, the schemas), and the cost of the plans themselves
    fixed_row = command_row(
        "compile, fixed cost (CLI)", runs["compile -f json, one plan"], base, 1, "one plan file"
    )
    fixed_row.files_per_s = None  # not a rate: the same whatever the number of plans
    fixed_row.note += "; the imports, catalogue and schemas compile loads beyond --version"
    assert json_row.seconds is not None and fixed_row.seconds is not None
    per_plan = Row(
        "compile -f json, per plan",
        args.files,
        max(json_row.seconds - fixed_row.seconds, 1e-9),
        rate(args.files, max(json_row.seconds - fixed_row.seconds, 1e-9)),
        note="compile -f json (CLI) less its fixed cost: the plans' own work, no target",
    )
    fixed_row = versus_floor(fixed_row, floor, target=False)
    per_plan = versus_floor(per_plan, floor, target=False)
    text_row = versus_floor(
        command_row("compile -f text (CLI)", runs["compile -f text"], base, args.files, "-o FILE"),
        floor,
        target=False,
    )
    validate_row = command_row("validate (CLI)", runs["validate"], base, args.files, "text")
    # the "validate unchanged": validate_paths, warm, over the parse + XSD floor
    assert validate.seconds is not None and schema_floor.seconds is not None
    share = schema_floor.seconds / validate.seconds
    validate.ratio, validate.ratio_value = f"XSD floor/ours {share:.2f}", share
    validate.target = f">= {TARGET_VALIDATE_SHARE:g}"
    validate.passed = share >= TARGET_VALIDATE_SHARE
    rows = [
        versus_floor(ours, floor, target=True),
        cold,
        validate,
        versus_floor(render, floor, target=False),
        versus_floor(sketch, floor, target=False),
        floor,
        json_row,
        fixed_row,
        per_plan,
        text_row,
        validate_row,
        schema_floor,
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
        startup_seconds=base.seconds,
        peak_rss_mib={name: run.rss_kib / 1024 for name, run in runs.items()},
    )


if __name__ == "__main__":
    sys.exit(main())
