"""Benchmark `serviceplan diff` against DeepDiff, and the tenant impact report at scale.

Generates two revisions of a corpus of plans (benchmarks/_corpus.py: N plans varied from the
bundled samples and a remap referencing each), the second with a realistic edit set (settings
changed across plans, one mailbox plan renamed, remap rows repointed), and a tenant inventory
over the remap's pairs. Then, in one process pinned to one core, times:

  diff (ours)     serviceplan.diff.changes.diff_revisions over the two compiled revisions (plans and
                  remaps), including the plan moves the repointed rows cause
  DeepDiff        deepdiff.DeepDiff over the same revisions as plain dictionaries
                  {plan: {scope: {feature: value}}} plus {"ProgramId,OfferId": plan}; the
                  dictionaries are built beforehand and not timed (our diff needs none)
  read_inventory  serviceplan.tenants.inventory.read_inventory on the inventory CSV
  tenant_impact   serviceplan.diff.impact.tenant_impact: what reaches each tenant
  render JSON     serviceplan.report.diff_json.render with the impact (what --format json prints)

and, as whole commands (issue 14), over --command-plans plans (300) that each differ in about
40-60 settings (benchmarks/_corpus.py, rewritten_revisions), in fresh processes, best of
--runs, the start-up of `serviceplan --version` subtracted:

  diff -f json    diff OLD NEW -f json -o FILE, with its peak RSS
  diff -f text    diff OLD NEW -o FILE (reported)
  DeepDiff alone  deepdiff.DeepDiff over {plan: {scope: {feature: text}}} of the same trees
                  (built beforehand from the compiled revisions, not timed)

Targets: our diff at least 10x faster than DeepDiff on 50 plans (issue 5); read_inventory +
tenant_impact + render JSON at most 5 s for 100,000 tenants (issue 5); the whole `diff -f json`
command at least 3x faster than DeepDiff alone (issue 14).

Run from the repository root:  python benchmarks/diff.py [--json] [--check]
"""

from __future__ import annotations

import argparse
import random
import re
import shutil
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from _common import (
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
from _corpus import REMAP_NAME, bench_folder, generate, rewritten_revisions

TARGET_VS_DEEPDIFF = 10.0  # DeepDiff's time over ours
TARGET_IMPACT_SECONDS = 5.0
TARGET_COMMAND_VS_DEEPDIFF = 3.0  # DeepDiff alone over the whole `diff -f json` command

# The second revision: (plan number, element, new text). Plan n is varied from sample
# (n - 1) % 6 of HostingAllFeatures, HostingBusinessMapi, HostingBusinessNonMapi, LargeBusiness,
# MediumBusiness, SmallBusiness; each edit hits the element's first occurrence.
EDITS = (
    (1, "MailboxCountQuota", "950"),
    (2, "MailboxCountQuota", "640"),
    (3, "ContactCountQuota", "777"),
    (5, "ProhibitSendReceiveMaiboxQuota", "7GB"),
    (6, "ProhibitSendReceiveMaiboxQuota", "3GB"),
    (7, "MailUserCountQuota", "512"),
    (11, "MaxReceiveTransportQuota", "30MB"),
    (16, "MaxRecipientsTransportQuota", "123"),
    (17, "ProhibitSendReceiveMaiboxQuota", "4GB"),
    (23, "DistributionListCountQuota", "99"),
)
RENAMED = (4, "Basic", "Light")  # a LargeBusiness variation: its third mailbox plan
REPOINTED = ((13, 14), (20, 26))  # the remap row of plan a now names plan b


# --------------------------------------------------------------------------- corpus


def plan_name(number: int, count: int) -> str:
    return f"Plan{number:0{max(4, len(str(count)))}d}"


def second_revision(old: Path, new: Path, count: int) -> None:
    """`new`: a copy of `old` with EDITS, RENAMED and REPOINTED applied."""
    shutil.copytree(old, new)
    for number, element, text in EDITS:
        _replace(
            new / f"{plan_name(number, count)}.serviceplan",
            re.compile(rf"<{element}>[^<]*</{element}>"),
            f"<{element}>{text}</{element}>",
        )
    number, before, after = RENAMED
    _replace(
        new / f"{plan_name(number, count)}.serviceplan",
        re.compile(rf'(<MailboxPlan Name="){before}"'),
        rf'\g<1>{after}"',
    )
    for source, target in REPOINTED:
        _replace(
            new / REMAP_NAME,
            re.compile(rf",{plan_name(source, count)}$", re.MULTILINE),
            f",{plan_name(target, count)}",
        )


def _replace(path: Path, pattern: re.Pattern[str], text: str) -> None:
    before = path.read_text(encoding="utf-8")
    after, hits = pattern.subn(text, before, count=1)
    if not hits or after == before:
        fail(f"{path.name}: the edit {pattern.pattern!r} -> {text!r} changes nothing")
    path.write_text(after, encoding="utf-8")


def write_inventory(path: Path, remap: Any, plans: Any, count: int, seed: int) -> int:
    """`count` tenants over the remap's pairs, with per-mailbox-plan counts (now and then one
    missing), a `plan` column for a few, and MailboxCountQuota usage; the file's size."""
    rng = random.Random(seed)
    rows = [row for table in remap for row in table.rows if len(row.fields) >= 3]
    by_name = {plan.name.casefold(): plan for plan in plans}
    names = sorted({m.name for plan in plans for m in plan.mailbox_plans})
    header = [
        "name",
        "domain",
        "program_id",
        "offer_id",
        "plan",
        "mailboxes",
        *(f"mailboxes.{name}" for name in names),
        "used.MailboxCountQuota",
    ]
    lines = [",".join(header)]
    for number in range(1, count + 1):
        row = rng.choice(rows)
        plan = by_name[row.plan_name.casefold()]
        total = rng.randint(1, 2000)
        per_plan = dict.fromkeys(names, "")
        left = total
        for mailbox_plan in plan.mailbox_plans:
            share = left if mailbox_plan is plan.mailbox_plans[-1] else rng.randint(0, left)
            per_plan[mailbox_plan.name] = "" if rng.random() < 0.05 else str(share)
            left -= share
        lines.append(
            ",".join(
                [
                    f"Tenant{number:06d}",
                    f"tenant{number:06d}.example",
                    row.program_id,
                    row.offer_id,
                    row.plan_name if rng.random() < 0.05 else "",
                    str(total),
                    *(per_plan[name] for name in names),
                    str(rng.randint(0, total)),
                ]
            )
        )
    data = ("\n".join(lines) + "\n").encode("utf-8")
    path.write_bytes(data)
    return len(data)


# --------------------------------------------------------------------------- measurements


def as_dicts(plans: Any, remaps: Any) -> dict[str, Any]:
    """A revision as DeepDiff sees it best: dictionaries keyed by identity, no lists."""
    revision: dict[str, Any] = {
        plan.name: {
            "Organization": {s.feature: s.value for s in plan.organization},
            **{m.name: {s.feature: s.value for s in m.settings} for m in plan.mailbox_plans},
        }
        for plan in plans
    }
    revision["remap"] = {
        f"{row.program_id},{row.offer_id}".casefold(): row.plan_name
        for table in remaps
        for row in table.rows
        if len(row.fields) >= 3
    }
    return revision


def measure_diff(old: Any, new: Any, count: int, repeat: int) -> tuple[Row, Row, Row, Any]:
    from deepdiff import DeepDiff

    from serviceplan.catalog import load_catalog
    from serviceplan.diff.compare import diff_revisions

    catalog = load_catalog()
    result = diff_revisions(old.plans, new.plans, old.remaps, new.remaps, catalog)
    settings = sum(1 for d in result.plans for c in d.changes if c.feature)
    moved = sum(len(d.changes) for d in result.transitions)
    edited = {plan_name(n, count) for n, _, _ in EDITS} | {plan_name(RENAMED[0], count)}
    if {d.name for d in result.plans} != edited or len(result.remap) != len(REPOINTED):
        fail(
            f"expected {len(edited)} plans and {len(REPOINTED)} remap rows changed, got "
            f"{len(result.plans)} and {len(result.remap)}"
        )
    ours_s = best_of(
        lambda: diff_revisions(old.plans, new.plans, old.remaps, new.remaps, catalog), repeat
    )
    start = time.perf_counter()
    before, after = as_dicts(old.plans, old.remaps), as_dicts(new.plans, new.remaps)
    build_s = time.perf_counter() - start
    found = DeepDiff(before, after, view="tree")
    theirs = {kind: len(found[kind]) for kind in found}
    touched = {level.path(output_format="list")[0] for kind in found for level in found[kind]}
    if touched != edited | {"remap"}:
        fail(f"DeepDiff and our diff disagree on what changed: {sorted(touched ^ edited)}")
    deep_s = best_of(lambda: DeepDiff(before, after), repeat)
    ratio = deep_s / ours_s
    ours = Row(
        "diff_revisions (ours)",
        count,
        ours_s,
        rate(count, ours_s),
        ratio=f"DeepDiff/ours {ratio:.1f}",
        ratio_value=ratio,
        target=f">= {TARGET_VS_DEEPDIFF:g}x faster",
        passed=ratio >= TARGET_VS_DEEPDIFF,
        note=f"{len(result.plans)} plans and {len(result.remap)} remap rows changed: "
        f"{settings} settings, 1 mailbox plan renamed (SP601), plus {moved} changes in "
        f"{len(result.transitions)} plan moves; categories, roll-up and blockers included",
    )
    deep = Row(
        "DeepDiff (same revisions)",
        count,
        deep_s,
        rate(count, deep_s),
        note="DeepDiff(before, after) with its defaults over {plan: {scope: {feature: "
        "value}}} + {pair: plan}; finds "
        + ", ".join(f"{n} {k}" for k, n in sorted(theirs.items())),
    )
    build = Row(
        "building DeepDiff's dicts",
        count,
        build_s,
        rate(count, build_s),
        note="not counted on either side above; add it to DeepDiff's time to count "
        "the conversion from the compiled model",
    )
    return ours, deep, build, result


def measure_impact(
    old: Any, new: Any, result: Any, inventory_path: Path, tenants: int, repeat: int
) -> tuple[list[Row], Any]:
    from serviceplan import __version__
    from serviceplan.catalog import load_catalog
    from serviceplan.diff.impact import tenant_impact
    from serviceplan.model import Finding, FindingsReport
    from serviceplan.pipeline import DiffOutcome
    from serviceplan.report import ReportOptions
    from serviceplan.report.diff_json import render as render_json
    from serviceplan.report.diff_markdown import render as render_markdown
    from serviceplan.tenants.inventory import read_inventory

    catalog = load_catalog()
    path = str(inventory_path)
    inventory = read_inventory(path, catalog)
    if inventory.findings or len(inventory.tenants) != tenants:
        fail(
            f"the inventory read {len(inventory.tenants)} tenants with "
            f"{len(inventory.findings)} findings, e.g. {inventory.findings[:1]}"
        )
    read_s = best_of(lambda: read_inventory(path, catalog), repeat)

    def impact() -> Any:
        return tenant_impact(
            result,
            inventory.tenants,
            path,
            (old.plans, new.plans),
            (old.remaps, new.remaps),
            catalog,
        )

    report = impact()
    impact_s = best_of(impact, repeat)
    findings = tuple(sorted((*result.findings, *report.findings), key=Finding.sort_key))
    outcome = DiffOutcome(
        "old", "new", result, report, FindingsReport(("old", "new", path), findings)
    )
    options = ReportOptions(tool_version=__version__)
    size = len(render_json(outcome, options).encode("utf-8"))
    json_s = best_of(lambda: render_json(outcome, options), repeat)
    markdown_s = best_of(lambda: render_markdown(outcome, options), repeat)
    total = read_s + impact_s + json_s
    rows = [
        Row(
            "read_inventory",
            tenants,
            read_s,
            rate(tenants, read_s),
            note=f"{inventory_path.stat().st_size / 1e6:.1f} MB CSV, {tenants:,} tenants",
        ),
        Row(
            "tenant_impact",
            tenants,
            impact_s,
            rate(tenants, impact_s),
            note=f"{len(report.tenants):,} tenants reached, {report.unreached:,} not, "
            f"{report.mailboxes:,} mailboxes to update, {len(report.findings):,} findings",
        ),
        Row(
            "render JSON",
            tenants,
            json_s,
            rate(tenants, json_s),
            note=f"diff_json.render with the impact: {size / 1e6:.1f} MB",
        ),
        Row(
            "impact report total",
            tenants,
            total,
            rate(tenants, total),
            target=f"<= {TARGET_IMPACT_SECONDS:g} s",
            passed=total <= TARGET_IMPACT_SECONDS,
            note="read_inventory + tenant_impact + render JSON (the sum of their best times)",
        ),
        Row(
            "render Markdown",
            tenants,
            markdown_s,
            rate(tenants, markdown_s),
            note="diff_markdown.render of the same outcome (bounded comment); no target",
        ),
    ]
    return rows, report


def text_tree(plans: Any) -> dict[str, Any]:
    """{plan: {scope: {feature: text}}}: a revision as a do-it-yourself DeepDiff user has it."""
    return {
        plan.name: {
            "Organization": {s.feature: s.text for s in plan.organization},
            **{m.name: {s.feature: s.text for s in m.settings} for m in plan.mailbox_plans},
        }
        for plan in plans
    }


def measure_command(folder: Path, count: int, seed: int, runs: int, cpu: int | None) -> list[Row]:
    """The whole `diff -f json` (and text) command over two much-changed revisions, against
    DeepDiff alone on the same trees."""
    from deepdiff import DeepDiff

    from serviceplan.pipeline import compile_plans

    old_dir, new_dir, out = folder / "big-old", folder / "big-new", folder / "big-out"
    rewritten_revisions(old_dir, new_dir, count, seed)
    out.mkdir()
    # the commands first, while this process is small: a child's peak RSS starts from its parent's
    base = startup(runs=max(5, runs), cpu=cpu)
    args = ["diff", str(old_dir), str(new_dir), "-o"]
    as_json = cli_run([*args, str(out / "d.json"), "-f", "json"], runs=runs, cpu=cpu, codes=(0, 1))
    as_text = cli_run([*args, str(out / "d.txt")], runs=runs, cpu=cpu, codes=(0, 1))
    size = (out / "d.json").stat().st_size
    old, new = compile_plans([str(old_dir)]), compile_plans([str(new_dir)])
    before, after = text_tree(old.plans), text_tree(new.plans)
    found = DeepDiff(before, after, view="tree")
    changes = sum(len(found[kind]) for kind in found)
    deep_s = best_of(lambda: DeepDiff(before, after), runs)
    rows = []
    for name, run in (("diff -f json (CLI)", as_json), ("diff -f text (CLI)", as_text)):
        seconds = max(run.seconds - base.seconds, 1e-9)
        ratio = deep_s / seconds
        rows.append(
            Row(
                name,
                count,
                seconds,
                rate(count, seconds),
                ratio=f"DeepDiff/ours {ratio:.1f}",
                ratio_value=ratio,
                note=f"{run.seconds:.3f} s whole - {base.seconds:.3f} s start-up; peak RSS "
                f"{run.rss_kib / 1024:.0f} MiB",
            )
        )
    rows[0].target = f">= {TARGET_COMMAND_VS_DEEPDIFF:g}x faster"
    rows[0].passed = (rows[0].ratio_value or 0) >= TARGET_COMMAND_VS_DEEPDIFF
    rows[0].note += f"; {size / 1e6:.1f} MB of JSON"
    rows.append(
        Row(
            "DeepDiff alone (CLI's trees)",
            count,
            deep_s,
            rate(count, deep_s),
            note=f"DeepDiff(before, after) over {{plan: {{scope: {{feature: text}}}}}} of the "
            f"same {count} plan pairs: {changes:,} changes ({changes / count:.0f} a plan)",
        )
    )
    return rows


# --------------------------------------------------------------------------- main


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        prog="benchmarks/diff.py",
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--plans", type=int, default=50, help="plans per revision (50)")
    parser.add_argument(
        "--command-plans", type=int, default=300, help="plans for the whole commands (300)"
    )
    parser.add_argument(
        "--runs", type=int, default=3, help="fresh processes per whole command, best kept (3)"
    )
    parser.add_argument("--tenants", type=int, default=100_000, help="inventory size (100000)")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per line, best kept (3)")
    parser.add_argument("--seed", type=int, default=2010, help="generator seed (2010)")
    parser.add_argument(
        "--out",
        metavar="DIR",
        help="write the revisions and the inventory "
        "under DIR/old, DIR/new, DIR/tenants.csv and keep them (DIR must be new "
        "or empty; default: a temporary folder)",
    )
    parser.add_argument("--json", action="store_true", help="print JSON instead of the table")
    parser.add_argument("--check", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if (
        args.plans < 30
        or args.tenants < 1
        or args.repeat < 1
        or min(args.runs, args.command_plans) < 1
    ):
        parser.error("--plans must be at least 30 (the edit set needs them); counts at least 1")
    return args


def main(argv: Sequence[str] | None = None) -> int:
    args = parse_args(argv)
    cpu = pin_to_one_core()

    with bench_folder(args.out) as folder:
        if folder.exists() and any(folder.iterdir()):
            fail(f"{folder} is not empty; give --out a new or empty folder")
        log(f"timing the whole diff command over {args.command_plans} plans ...")
        command_rows = measure_command(folder, args.command_plans, args.seed, args.runs, cpu)
        from serviceplan.pipeline import compile_plans

        old_dir, new_dir = folder / "old", folder / "new"
        log(f"generating {args.plans} plans and a second revision in {folder} ...")
        generate(old_dir, args.plans, args.seed)
        second_revision(old_dir, new_dir, args.plans)
        old, new = compile_plans([str(old_dir)]), compile_plans([str(new_dir)])
        for side in (old, new):
            if side.report.errors or len(side.plans) != args.plans:
                fail(f"the generated revisions do not compile: {side.report.findings[:3]}")
        log("timing diff_revisions and DeepDiff ...")
        ours, deep, build, result = measure_diff(old, new, args.plans, args.repeat)
        log(f"writing {args.tenants:,} tenants ...")
        inventory = folder / "tenants.csv"
        write_inventory(inventory, new.remaps, new.plans, args.tenants, args.seed)
        log("timing the impact report ...")
        impact_rows, _ = measure_impact(old, new, result, inventory, args.tenants, args.repeat)
    rows = [ours, deep, build, *impact_rows, *command_rows]

    return report(
        "diff",
        environment(cpu),
        rows,
        as_json=args.json,
        check=args.check,
        plans=args.plans,
        tenants=args.tenants,
        repeat=args.repeat,
    )


if __name__ == "__main__":
    sys.exit(main())
