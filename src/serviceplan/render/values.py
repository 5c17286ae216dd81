"""What a render template's values can be besides plain data: a missing name (StrictUndefined
with a did-you-mean), an unset value (which must never reach a manifest), and a token
serviceplan itself writes in a fixed shape (a size, Unlimited, its version).

An unset value (a setting without a value, a tenant without a mailbox count, a JSONL cell
that is null) is an `Unset`: falsy and `none` to the `is none` test, as None was, so
`{% if x is not none %}` and `| default(...)` keep working, but writing it (raw, through
`ps_quote`, `size`, `~` or a comparison) fails the tenant naming what is unset. Only `tojson`
writes it, as JSON null: structured output that says "no value".
"""

from __future__ import annotations

import sys
from collections.abc import Iterable
from typing import Any

import jinja2

from ..suggest import closest, same_ignoring_case

# the names a template is given (render.work.Renderer.one) and the environment's globals
CONTEXT_NAMES = ("tenant", "plan", "remap", "update", "output", "tool", "skip", "warn")
_SHOWN_NAMES = 12


def _closest_name(name: str, names: Iterable[str]) -> str:
    """The closest of `names` to `name` (the same ignoring case first), or ""."""
    candidates = [str(candidate) for candidate in names]
    same = same_ignoring_case(name, candidates)
    if same is not None:
        return same
    close = closest(name, candidates)
    return close[0] if close else ""


class Missing(jinja2.StrictUndefined):
    """StrictUndefined, with the closest name that does exist and the names there are."""

    __slots__ = ()

    @property
    def _undefined_message(self) -> str:
        found, name = self._undefined_obj, self._undefined_name
        if self._undefined_hint or not isinstance(name, str):
            return str(super()._undefined_message)
        if found is jinja2.utils.missing:  # a top-level name
            guess = _closest_name(name, CONTEXT_NAMES)
            known = ", ".join(CONTEXT_NAMES)
            return f"{name!r} is undefined{_guess(guess)} (a template is given: {known})"
        if isinstance(found, dict):
            keys = sorted(str(key) for key in found)
            shown = ", ".join(keys[:_SHOWN_NAMES]) + (", ..." if len(keys) > _SHOWN_NAMES else "")
            guess = _closest_name(name, keys)
            return f"no attribute {name!r}{_guess(guess)} (there are: {shown})"
        guess = _closest_name(name, [known for known in dir(found) if not known.startswith("_")])
        return str(super()._undefined_message) + _guess(guess)


def _guess(name: str) -> str:
    return f": did you mean {name!r}?" if name else ""


class Unset(Missing):
    """An unset value: tests as none and false, fails when written (naming what is unset)."""

    __slots__ = ()

    def __init__(self, what: str) -> None:
        super().__init__(
            hint=f"{what} is unset: test it first ({{% if ... is not none %}}) "
            "or give a default (| default(...))"
        )

    # StrictUndefined raises on these; an unset value answers them as None did
    def __bool__(self) -> bool:  # type: ignore[override]
        return False

    def __eq__(self, other: object) -> bool:  # type: ignore[override]
        return other is None or isinstance(other, Unset)

    def __ne__(self, other: object) -> bool:  # type: ignore[override]
        return not self.__eq__(other)

    def __hash__(self) -> int:  # type: ignore[override]
        return hash(None)

    # round and abs are not among the operations Undefined refuses: refuse them by name too
    __abs__ = __round__ = jinja2.Undefined._fail_with_undefined_error

    def __repr__(self) -> str:
        return "None"  # pprint (Python's repr) writes "no value" as tojson writes null


def is_none(value: Any) -> bool:
    """Jinja2's `none` test, which an unset value also passes."""
    return value is None or isinstance(value, Unset)


class Token(str):
    """Text serviceplan writes in a shape no data can change (a size such as 10GB, Unlimited,
    its own version): a PowerShell template may write it bare, as it may a number."""

    __slots__ = ()


UNLIMITED = Token("Unlimited")


class Silent(str):
    """What `warn` returns: nothing, in every kind of template."""

    __slots__ = ()


SILENT = Silent("")
# the warnings of the render in progress: (template file, line, message); a process renders
# one tenant at a time, and the renderer clears and reads this around each render
WARNINGS: list[tuple[str, int, str]] = []


def warn(message: object) -> Silent:
    """`{{ warn("why") }}`: the tenant's file is written, and the warning is a finding (SP702)
    on the tenant's inventory line, counted in the summary: never only a comment nobody counts."""
    file, line = "", 0
    frame = sys._getframe(1)
    while frame is not None:  # the innermost template frame: Jinja2 maps its line back
        template = frame.f_globals.get("__jinja_template__")
        if template is not None:
            file = template.filename or template.name or ""
            line = template.get_corresponding_lineno(frame.f_lineno)
            break
        frame = frame.f_back  # type: ignore[assignment]
    WARNINGS.append((file, line, str(message)))
    return SILENT
