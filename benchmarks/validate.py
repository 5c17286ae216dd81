"""Benchmark `serviceplan validate` against a bare lxml loop, xmllint and xmlschema.

Generates realistic, valid plan files (variations of the bundled samples plus a
ServicePlanHostingRemap.csv that references every plan), then, in one process pinned to one
core, times:

  validate    serviceplan.pipeline.validate_paths([folder]) - what the CLI runs
  lxml floor  read bytes + etree.fromstring + XMLSchema.validate per file, XSD compiled once
  xmllint     `xmllint --noout --schema ServicePlan.xsd <all files>` as one subprocess
  xmlschema   xmlschema.XMLSchema built once, is_valid(path) per file (on a subset)
  startup     `serviceplan --version` against `python -c pass`

Run from the repository root:  python benchmarks/validate.py [--json] [--check]
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import time
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Any

from _common import (
    Row,
    best_of,
    environment,
    fail,
    log,
    median_wall,
    pin_to_one_core,
    pinned,
    rate,
    report,
)
from _corpus import bench_folder, generate

# The targets.
TARGET_FILES_PER_S = 2_000.0
TARGET_VS_XMLSCHEMA = 20.0
TARGET_VS_XMLLINT = 0.5
TARGET_STARTUP_MS = 150.0

XMLLINT_MISSING = "xmllint not installed (apt-get install libxml2-utils)"

# --------------------------------------------------------------------------- measurements


class CompileCounter:
    """Counts lxml XMLSchema constructions while installed (the "compiled once" check)."""

    def __init__(self) -> None:
        from lxml import etree

        self.module: Any = etree
        self.real: Any = etree.XMLSchema
        self.count = 0

    def __enter__(self) -> CompileCounter:
        real = self.real

        def counting(*args: Any, **kwargs: Any) -> Any:
            self.count += 1
            return real(*args, **kwargs)

        self.module.XMLSchema = counting
        return self

    def __exit__(self, *exc: object) -> None:
        self.module.XMLSchema = self.real


def xsd_path() -> Path:
    path = Path(str(resources.files("serviceplan.schemas") / "ServicePlan.xsd"))
    if not path.is_file():
        fail(f"{path}: the packaged XSD is not a regular file")
    return path


def measure_ours(folder: Path, count: int, repeat: int) -> tuple[Row, Row, Row]:
    from serviceplan.pipeline import ValidateOptions, validate_paths

    options = ValidateOptions()
    with CompileCounter() as counter:
        start = time.perf_counter()
        report = validate_paths([str(folder)], options)  # the once-only correctness check
        first = time.perf_counter() - start
        if report.findings:
            shown = "\n".join(f"  {finding}" for finding in report.findings[:10])
            fail(f"the generated plans are not clean ({len(report.findings)} findings):\n{shown}")
        if len(report.files) != count + 1:
            fail(f"validate saw {len(report.files)} files, expected {count} plans + the remap")
        seconds = best_of(lambda: validate_paths([str(folder)], options), repeat)
    fps = rate(count, seconds)
    ours = Row(
        "validate (serviceplan)",
        count,
        seconds,
        fps,
        target=f">= {TARGET_FILES_PER_S:,.0f} files/s",
        passed=fps >= TARGET_FILES_PER_S,
        note="validate_paths([folder]): discovery, read, XSD, rules, remap; best of the warm runs",
    )
    cold = Row(
        "validate, first call",
        count,
        first,
        rate(count, first),
        note="the first validate_paths call of the process (XSD compile, catalogue load)",
    )
    calls = repeat + 2
    once = Row(
        "xsd compiled once",
        ratio=f"{counter.count} compile(s) in {calls} calls",
        target="<= 1 per process",
        passed=counter.count <= 1,
        note="lxml XMLSchema constructions counted during the validate calls",
    )
    return ours, cold, once


def measure_floor(paths: Sequence[Path], xsd: Path, repeat: int, ours: Row) -> Row:
    from lxml import etree

    parser = etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False)
    schema = etree.XMLSchema(etree.parse(str(xsd), parser))
    invalid: list[Path] = []

    def loop() -> None:
        invalid.clear()
        for path in paths:
            root = etree.fromstring(path.read_bytes(), parser)
            if not schema.validate(root):
                invalid.append(path)

    seconds = best_of(loop, repeat)
    if invalid:
        fail(f"lxml floor: {len(invalid)} generated files fail the XSD, e.g. {invalid[0]}")
    assert ours.seconds is not None
    slower = ours.seconds / seconds
    return Row(
        "lxml parse+XMLSchema",
        len(paths),
        seconds,
        rate(len(paths), seconds),
        ratio=f"ours takes {slower:.2f}x",
        ratio_value=slower,
        note="the floor: no discovery, no domain rules, no findings",
    )


def measure_xmllint(
    paths: Sequence[Path], xsd: Path, repeat: int, cpu: int | None, ours: Row
) -> Row:
    target = f"ours/xmllint >= {TARGET_VS_XMLLINT:g}"
    xmllint = shutil.which("xmllint")
    if xmllint is None:
        return Row("xmllint --schema", target=target, note=XMLLINT_MISSING)
    command = [xmllint, "--noout", "--schema", str(xsd), *map(str, paths)]
    version = subprocess.run([xmllint, "--version"], capture_output=True, text=True, check=False)

    def run() -> None:
        done = subprocess.run(
            command,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            preexec_fn=pinned(cpu),
            check=False,
        )
        if done.returncode != 0:
            tail = done.stderr.decode(errors="replace").strip().splitlines()[-3:]
            fail(f"xmllint exited {done.returncode}: " + " | ".join(tail))

    seconds = best_of(run, repeat)
    fps = rate(len(paths), seconds)
    assert ours.files_per_s is not None
    ratio = ours.files_per_s / fps
    first_line = (version.stderr or version.stdout).strip().splitlines()[:1]
    return Row(
        "xmllint --schema",
        len(paths),
        seconds,
        fps,
        ratio=f"ours/xmllint {ratio:.2f}",
        ratio_value=ratio,
        target=target,
        passed=ratio >= TARGET_VS_XMLLINT,
        note="one subprocess over all files, wall time incl. its XSD compile"
        + (f" ({first_line[0]})" if first_line else ""),
    )


def measure_xmlschema(paths: Sequence[Path], xsd: Path, repeat: int, subset: int, ours: Row) -> Row:
    target = f"ours/xmlschema >= {TARGET_VS_XMLSCHEMA:g}"
    try:
        import xmlschema
    except ImportError:
        return Row("xmlschema is_valid", target=target, note="xmlschema not installed")
    chosen = [str(path) for path in paths[: max(1, subset)]]
    start = time.perf_counter()
    schema = xmlschema.XMLSchema(str(xsd))
    build = time.perf_counter() - start
    invalid: list[str] = []

    def loop() -> None:
        invalid.clear()
        invalid.extend(path for path in chosen if not schema.is_valid(path))

    seconds = best_of(loop, repeat)
    if invalid:
        fail(f"xmlschema: {len(invalid)} generated files are invalid, e.g. {invalid[0]}")
    fps = rate(len(chosen), seconds)
    assert ours.files_per_s is not None
    ratio = ours.files_per_s / fps
    return Row(
        f"xmlschema {xmlschema.__version__}",
        len(chosen),
        seconds,
        fps,
        ratio=f"ours/xmlschema {ratio:.1f}",
        ratio_value=ratio,
        target=target,
        passed=ratio >= TARGET_VS_XMLSCHEMA,
        note=f"XMLSchema built once ({build:.2f} s), is_valid(path) on the first "
        f"{len(chosen)} files, scaled to files/s",
    )


def console_script() -> Path | None:
    """The installed `serviceplan` script, preferring the one beside this interpreter (a pyenv
    shim on PATH would add its own start-up time)."""
    beside = Path(sys.executable).parent / "serviceplan"
    if beside.is_file():
        return beside
    found = shutil.which("serviceplan")
    return Path(found) if found else None


def _import_self_times(command: Sequence[str]) -> dict[str, int]:
    """Self import time (µs) per module from `-X importtime`."""
    done = subprocess.run(command, capture_output=True, text=True, check=False)
    times: dict[str, int] = {}
    for line in done.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        fields = line.split("|")
        if len(fields) == 3 and fields[0].split(":")[1].strip().isdigit():
            times[fields[2].strip()] = int(fields[0].split(":")[1])
    return times


def heavy_imports(top: int = 5, runs: int = 3) -> tuple[float, list[tuple[str, float]]]:
    """What `serviceplan --version` imports beyond `python -c pass`: the total self import time
    and the `top` slowest modules, in ms (each module's best of `runs` runs)."""
    base = _import_self_times([sys.executable, "-X", "importtime", "-c", "pass"])
    best: dict[str, int] = {}
    for _ in range(runs):
        times = _import_self_times(
            [sys.executable, "-X", "importtime", "-m", "serviceplan", "--version"]
        )
        for module, micros in times.items():
            best[module] = min(micros, best.get(module, micros))
    added = {module: micros for module, micros in best.items() if module not in base}
    ranked = sorted(added.items(), key=lambda item: -item[1])[:top]
    return sum(added.values()) / 1000, [(name, micros / 1000) for name, micros in ranked]


def measure_startup(
    runs: int, cpu: int | None
) -> tuple[list[Row], tuple[float, list[tuple[str, float]]]]:
    bare = median_wall([sys.executable, "-c", "pass"], runs, cpu)
    rows = [Row("python -c pass", seconds=bare, note=f"median of {runs} runs")]
    commands = [("python -m serviceplan --version", [sys.executable, "-m", "serviceplan"])]
    script = console_script()
    if script is not None:
        commands.append(("serviceplan --version", [str(script)]))
    for name, command in commands:
        seconds = median_wall([*command, "--version"], runs, cpu)
        extra_ms = (seconds - bare) * 1000
        rows.append(
            Row(
                name,
                seconds=seconds,
                ratio=f"+{extra_ms:.0f} ms",
                ratio_value=extra_ms,
                target=f"<= +{TARGET_STARTUP_MS:.0f} ms",
                passed=extra_ms <= TARGET_STARTUP_MS,
                note=f"median of {runs} runs"
                + (f" ({command[0]})" if command[0] != sys.executable else ""),
            )
        )
    if script is None:
        rows.append(
            Row(
                "serviceplan --version",
                target=f"<= +{TARGET_STARTUP_MS:.0f} ms",
                note="no serviceplan console script found",
            )
        )
    return rows, heavy_imports()


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/validate.py",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--files", type=int, default=1000, help="plans to generate (1000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per line, best kept (3)")
    parser.add_argument(
        "--xmlschema-files",
        type=int,
        default=100,
        help="files the slow xmlschema loop checks (100)",
    )
    parser.add_argument(
        "--startup-runs", type=int, default=15, help="runs per start-up command, median kept (15)"
    )
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="write the plans here and keep them (default: a temporary folder)",
    )
    parser.add_argument("--seed", type=int, default=2010, help="generator seed (2010)")
    parser.add_argument("--no-startup", action="store_true", help="skip the start-up lines")
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.files < 1 or args.repeat < 1 or args.xmlschema_files < 1 or args.startup_runs < 1:
        parser.error("counts must be at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cpu = pin_to_one_core()

    xsd = xsd_path()
    with bench_folder(args.out) as folder:
        log(f"generating {args.files} plans in {folder} ...")
        paths = generate(folder, args.files, args.seed)
        log("timing validate ...")
        ours, cold, once = measure_ours(folder, args.files, args.repeat)
        log("timing the lxml floor ...")
        floor = measure_floor(paths, xsd, args.repeat, ours)
        log("timing xmllint ...")
        xmllint = measure_xmllint(paths, xsd, args.repeat, cpu, ours)
        log(f"timing xmlschema on {min(args.xmlschema_files, len(paths))} files ...")
        slow = measure_xmlschema(paths, xsd, args.repeat, args.xmlschema_files, ours)
    rows = [ours, cold, once, floor, xmllint, slow]
    imports: tuple[float, list[tuple[str, float]]] = (0.0, [])
    if not args.no_startup:
        log("timing start-up ...")
        startup, imports = measure_startup(args.startup_runs, cpu)
        rows += startup

    total, slowest = imports
    listed = ", ".join(f"{name} {ms:.1f}" for name, ms in slowest)
    footer = (
        (
            f"`serviceplan --version` imports {total:.0f} ms of modules beyond "
            f"`python -c pass`; slowest (self ms): {listed}"
        )
        if slowest
        else ""
    )
    return report(
        "validate",
        environment(cpu),
        rows,
        as_json=args.json,
        check=args.check,
        footer=footer,
        files=args.files,
        repeat=args.repeat,
        imports_added_ms=round(total, 1),
        slowest_imports_ms={name: round(ms, 1) for name, ms in slowest},
    )


if __name__ == "__main__":
    sys.exit(main())
