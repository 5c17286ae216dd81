"""Did-you-mean: the names closest to a misspelt one, and the hint that offers them."""

from __future__ import annotations

from collections.abc import Iterable, Sequence


def closest(
    word: str,
    choices: Iterable[str],
    *,
    n: int = 1,
    cutoff: float = 0.6,
    ignore_case: bool = False,
) -> list[str]:
    """Up to `n` of `choices` close to `word`, the closest first (difflib's ratio). Ignoring
    case, the choices are compared case-folded and answered as written."""
    import difflib  # only an unknown name needs it

    if not ignore_case:
        return difflib.get_close_matches(word, list(choices), n=n, cutoff=cutoff)
    by_fold = {choice.casefold(): choice for choice in choices}
    close = difflib.get_close_matches(word.casefold(), list(by_fold), n=n, cutoff=cutoff)
    return [by_fold[folded] for folded in close]


def same_ignoring_case(word: str, choices: Iterable[str]) -> str | None:
    """The choice that is `word` in another case (or `word` itself), or None."""
    return {choice.casefold(): choice for choice in choices}.get(word.casefold())


def one_of(names: Sequence[str]) -> str:
    """`A`, `A or B`, `A, B or C`."""
    return ", ".join(names[:-1]) + " or " * (len(names) > 1) + "".join(names[-1:])


def did_you_mean(names: Sequence[str]) -> str:
    """`did you mean A, B or C?`, or "" when there is nothing to offer."""
    return f"did you mean {one_of(names)}?" if names else ""


def nearest(word: str, choices: Iterable[str]) -> str:
    """`did you mean X?` with the name (a plan, a template) closest to `word` in any case, or
    "". Plan names share words (SmallBusiness, MediumBusiness): only a near miss is offered."""
    return did_you_mean(closest(word, choices, cutoff=0.8, ignore_case=True))


def with_suggestion(message: str, word: str, choices: Iterable[str]) -> str:
    """`message: did you mean X?` (`nearest`), else `message` alone: one form wherever a name
    given is not found."""
    near = nearest(word, choices)
    return f"{message}: {near}" if near else message
