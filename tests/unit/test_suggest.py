"""suggest.py: the one did-you-mean."""

from __future__ import annotations

from serviceplan.suggest import with_suggestion


def test_a_message_gets_the_closest_choice_in_any_case() -> None:
    choices = ["LargeBusiness", "SmallBusiness"]
    assert with_suggestion("no plan named x", "largebuisness", choices) == (
        "no plan named x: did you mean LargeBusiness?"
    )
    assert with_suggestion("no plan named x", "Zzz", choices) == "no plan named x"


def test_plan_names_sharing_a_word_are_not_offered_for_each_other() -> None:
    assert with_suggestion("m", "MediumBusiness", ["SmallBusiness", "LargeBusiness"]) == "m"
