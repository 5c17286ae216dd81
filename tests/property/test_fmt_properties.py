"""fmt on mutated samples: whatever it accepts it formats idempotently; a clean plan stays clean
and compiles to the same settings; what it refuses it refuses with the tool's own error."""

from __future__ import annotations

from hypothesis import event, example, given

from _harness import CATALOG, PROFILE, SAMPLES, plan
from serviceplan.errors import InputError
from serviceplan.pipeline import load_plan, validate_plan_bytes
from serviceplan.resolve.plans import resolve_plan
from serviceplan.tools.fmt import format_plan


def _settings(data: bytes, source: str) -> object:
    """The resolved values of every scope (provenance left out: lines move)."""
    findings, sections = load_plan(data, source, CATALOG)
    assert sections is not None and not findings
    resolved = resolve_plan(CATALOG, "P", source, sections)
    return (
        [(s.feature, s.value) for s in resolved.organization],
        [
            (
                m.name,
                m.index,
                m.provision_as_default,
                m.is_pilot,
                [(s.feature, s.value) for s in m.settings],
            )
            for m in resolved.mailbox_plans
        ],
    )


@PROFILE
@example(case=SAMPLES[0])
@example(
    case=(
        "P.serviceplan",
        dict(SAMPLES)["SmallBusiness.serviceplan"].replace(
            b"<Organization>", b"<Organization><!-- a -- b -->", 1
        ),
    )
)
@given(case=plan())
def test_fmt_is_idempotent_and_keeps_clean_plans_clean(case: tuple[str, bytes]) -> None:
    name, data = case
    try:
        formatted = format_plan(data, name, CATALOG)
    except InputError as error:  # refused: the tool's own error, naming the file
        assert name in error.message, error.message
        event("refused")
        return
    event("formatted")
    assert formatted.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n'), formatted[:80]
    assert b"\r" not in formatted
    assert format_plan(formatted, name, CATALOG) == formatted, "not idempotent"
    if not validate_plan_bytes(data, name, CATALOG):  # the input was clean
        event("clean input")
        assert validate_plan_bytes(formatted, name, CATALOG) == [], "formatting broke a plan"
        assert _settings(formatted, name) == _settings(data, name), "formatting changed a value"
