"""Which rules decide a jurisdiction's headline outcome, and whether a rule is a mere default.

What makes the difference between jurisdictions is said once, in plain words, by :mod:`casefile.report` (one
sentence per jurisdiction: the deciding rule's title and condition, or "the general rule" where only a default
applies); every format of the handout shows that sentence. These helpers are what it and the web views share.
"""

from __future__ import annotations

from casefile.conditions import TRUE
from casefile.results import JurisdictionResult
from casefile.rulebook import BARRED, Rule


def deciding_rules(j: JurisdictionResult) -> list[str]:
    """The rules behind the headline outcome: the access rules where access fails, else the practice rules."""
    return j.access.rules if j.access.outcome in BARRED else j.practice.rules


def is_default(rule: Rule) -> bool:
    """An unconditional, undated rule: the jurisdiction's general rule."""
    return rule.condition == TRUE and rule.valid_from is None and rule.valid_to is None
