"""The bare outcome of one jurisdiction, decided from the rules that fired: what assessment, explanation, the
timeline and batch runs share.

:func:`decide` applies precedence among the rules that fired for one jurisdiction in each deciding stage (access,
practice, standard, the standard's access, responsibility) and returns a :class:`Decision`. It needs only a
:class:`~casefile.engine.Trace` and the rulebook, so :mod:`casefile.explain` can compare variants of a case without
importing :mod:`casefile.assessment` (which builds the explained output and calls :mod:`casefile.explain`).
"""

from __future__ import annotations

from dataclasses import dataclass

from casefile.engine import Trace, deciding
from casefile.errors import RulebookError
from casefile.rulebook import BARRED, DECIDING_STAGES, FAVOURABILITY, UNSETTLED, Rule, Rulebook


@dataclass(frozen=True)
class Decision:
    """The bare outcome of one jurisdiction: what counterfactual search compares."""

    outcome: str
    access: str
    practice: str
    standard: str
    access_rules: tuple[str, ...]
    practice_rules: tuple[str, ...]
    standard_rules: tuple[str, ...]
    practice_if_reached: str
    standard_access: str = "access_to_procedure"
    standard_access_rules: tuple[str, ...] = ()
    responsibility: str = "not_applicable"
    responsibility_rules: tuple[str, ...] = ()

    @property
    def tension_in(self) -> tuple[str, ...]:
        """Where practice is less favourable than the common standard: in access, in protection, or both."""
        out: list[str] = []
        if self.access in BARRED and self.standard_access not in BARRED:
            out.append("access")
        if self.access not in BARRED and FAVOURABILITY[self.practice] < FAVOURABILITY[self.standard]:
            out.append("protection")
        return tuple(out)

    @property
    def tension(self) -> bool:
        return bool(self.tension_in)


def decide(trace: Trace, rulebook: Rulebook, code: str) -> Decision:
    """Access, practice and standard outcomes of one jurisdiction, by precedence among the rules that fired."""
    by_stage = trace.by_stage(rulebook)
    return combine(
        {stage: stage_decision(by_stage.get((stage, code), []), rulebook, code, stage) for stage in DECIDING_STAGES}
    )


def stage_decision(fired: list[Rule], rulebook: Rulebook, code: str, stage: str) -> tuple[str, tuple[str, ...]]:
    """The outcome of one deciding stage of `code` and the rules deciding it, from that stage's fired rules."""
    winners = deciding(fired, rulebook)
    outcomes = {r.outcome for r in winners}
    if len(outcomes) > 1:
        raise RulebookError(
            f"{code} {stage}: rules {', '.join(r.id for r in winners)} conclude differently and none overrides "
            "the others (run 'casefile rules check')"
        )
    if not outcomes:
        raise RulebookError(f"{code} {stage}: no rule decides this case (a default rule is missing)")
    return outcomes.pop() or "", tuple(sorted(r.id for r in winners))


def combine(results: dict[str, tuple[str, tuple[str, ...]]]) -> Decision:
    """The decision from the result of every deciding stage (see :func:`stage_decision`)."""
    access, access_rules = results["access"]
    practice_if_reached, practice_rules = results["practice"]
    practice = "not_assessed" if access in BARRED else practice_if_reached
    standard, standard_rules = results["standard"]
    outcome = access if access in BARRED or access in UNSETTLED else practice
    return Decision(
        outcome,
        access,
        practice,
        standard,
        access_rules,
        practice_rules,
        standard_rules,
        practice_if_reached,
        *results["standard_access"],
        *results["responsibility"],
    )
