"""The rulebook: loading, checking and indexing the rule files in ``rules/``.

``rules/common.yaml`` holds the framework shared by every jurisdiction (derived facts and the *standard* lens) and
the rulebook's own metadata; ``rules/<code>.yaml`` holds one jurisdiction's *access* and *practice* rules. Each rule
file is validated through pydantic models, its conditions are parsed against the fact vocabulary, its citations
are resolved against ``seeds/``, and the precedence between rules (``overrides``) is closed transitively. Any
problem is reported with the file and line; a rulebook with problems does not load. Two rules that can apply to
the same case with different conclusions and no precedence between them are a load-time error, as in Catala.

The result is a :class:`Rulebook` of :class:`Rule` objects. Nothing in a rule file can run code.
"""

from __future__ import annotations

import datetime as dt
import fnmatch
import hashlib
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from casefile.cache import load_file_cached
from casefile.case import Jurisdiction
from casefile.conditions import (
    TRUE,
    All,
    Atom,
    Condition,
    ConditionError,
    describe,
    facts_in,
    parse_condition,
)
from casefile.documents import LineMap
from casefile.errors import InputError, Problem, RulebookError, did_you_mean
from casefile.facts import CASE_FACTS, FactSpec
from casefile.logic import overlap, satisfiable
from casefile.sources import SourceRegistry, load_sources

Stage = Literal["derive", "access", "practice", "standard", "standard_access", "responsibility"]
STAGES: tuple[str, ...] = ("derive", "access", "practice", "standard", "standard_access", "responsibility")
# Stages that conclude an outcome for every jurisdiction (each needs a default rule).
DECIDING_STAGES: tuple[str, ...] = ("access", "practice", "standard", "standard_access", "responsibility")
ACCESS_OUTCOMES = (
    "access_to_procedure",
    "entry_barred",
    "not_received",
    "access_unknown",
    "humanitarian_pathway",
    "no_legal_pathway",
)
# Which state is likely responsible for examining a claim made here (Dublin III / AMMR, legal-facts EU-D1).
RESPONSIBILITY_OUTCOMES = ("no_transfer_indicated", "transfer_to_visa_issuer", "not_applicable")
PROTECTION_OUTCOMES = (
    "protection_likely",
    "individual_assessment",
    "decision_postponed",
    "exclusion_review",
    "refusal_likely",
    "not_assessed",
)
BARRED = frozenset({"entry_barred", "not_received", "no_legal_pathway"})
# Every headline outcome, protection outcomes first (most favourable first), then the barred routes.
HEADLINE_OUTCOMES = (*PROTECTION_OUTCOMES, "access_unknown", "entry_barred", "not_received", "no_legal_pathway")
# Access outcomes that head the assessment although the practice lens is still assessed.
UNSETTLED = frozenset({"access_unknown"})
# How favourable each protection outcome is to the applicant; `tension` compares practice with standard.
FAVOURABILITY = {
    "protection_likely": 5,
    "individual_assessment": 4,
    "decision_postponed": 4,
    "exclusion_review": 2,
    "refusal_likely": 1,
    "not_assessed": 0,
}
ACCESS_FAVOURABILITY = {
    "access_to_procedure": 3,
    "access_unknown": 2,
    "humanitarian_pathway": 2,
    "not_received": 1,
    "entry_barred": 1,
    "no_legal_pathway": 0,
}
JURISDICTIONS: tuple[str, ...] = tuple(j.value for j in Jurisdiction)
GROUP_ALIASES = {"baltics": ("EE", "LV", "LT")}


def data_dir() -> Path:
    """Where rules/, seeds/ and examples/ live: the source checkout, or the copy inside an installed wheel."""
    here = Path(__file__).resolve().parent
    bundled = here / "_data"
    if (bundled / "rules").is_dir():
        return bundled
    return here.parent


# ----------------------------------------------------------------------------------------------------------------
# What a rule file may contain (pydantic models of the YAML)


class _Spec(BaseModel):
    # Built on first use: a command whose rulebook comes from its snapshot (casefile.snapshot) never validates a
    # rule file, and need not pay for building these validators.
    model_config = ConfigDict(extra="forbid", defer_build=True)


class DerivedFactSpec(_Spec):
    name: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    kind: Literal["bool", "enum"] = "bool"
    values: list[str] = []
    label: str
    description: str = ""


class RuleSpec(_Spec):
    id: str = Field(pattern=r"^[a-z]+\.[a-z_]+\.[a-z0-9_]+$", description="e.g. de.practice.deserter_protection")
    title: str = Field(min_length=3)
    stage: Stage
    when: Any = None
    outcome: str | None = None
    derive: dict[str, Any] | None = None
    reason: str = Field(min_length=10, description="Plain-language reason shown to trainees")
    sources: list[str] = Field(min_length=1, description="seed:<id>#<passage> or legal:<fact id>")
    valid_from: dt.date | None = None
    valid_to: dt.date | None = None
    dated_by: Literal["as_of", "access_date", "claim_date"] | None = None
    overrides: list[str] = []
    confidence: Literal["high", "medium", "low"] = "high"
    caveat: str | None = None
    remaining_route: str | None = None
    dated_in_advance: bool = Field(
        default=False,
        description="The rule starts after the knowledge date on purpose: a law's application date fixed in advance, "
        "or the day the sources stop (an 'access_unknown' rule)",
    )

    @field_validator("valid_from", "valid_to", mode="before")
    @classmethod
    def _plain_date(cls, v: Any) -> Any:
        if isinstance(v, dt.datetime):
            raise ValueError("expected a date (YYYY-MM-DD), not a date and time")
        return v


class CriterionSpec(_Spec):
    id: str = Field(pattern=r"^[a-z]+\.check\.[a-z0-9_]+$", description="e.g. de.check.deserted")
    label: str = Field(min_length=3)
    lens: Literal["access", "practice", "standard", "facts"] = "facts"
    when: Any
    sources: list[str] = Field(min_length=1)


class RulebookMeta(_Spec):
    version: str
    knowledge_date: dt.date
    knowledge_note: str = ""
    period_start: dt.date
    later_law: list[dict[str, Any]] = []


class KnowledgeSpec(_Spec):
    until: dt.date = Field(description="The last date the sources establish this jurisdiction's law and practice")
    note: str = Field(min_length=10, description="What is known up to that date, and what is not")


class RuleFileSpec(_Spec):
    jurisdiction: Literal["all", "DE", "NL", "EE", "LV", "LT", "PL", "FI"]
    name: str
    summary: str = ""
    knowledge: KnowledgeSpec | None = None
    rulebook: RulebookMeta | None = None
    derived_facts: list[DerivedFactSpec] = []
    rules: list[RuleSpec] = []
    checklist: list[CriterionSpec] = []


# ----------------------------------------------------------------------------------------------------------------
# The loaded rulebook


@dataclass(frozen=True)
class Rule:
    """A checked rule, ready to compile."""

    id: str
    title: str
    stage: str
    condition: Condition  # the `when` part, as written
    effective: Condition  # `when` plus the validity window: what an engine must match
    conclusion: Any  # an outcome (str), or (derived fact name, value) for derive rules
    reason: str
    sources: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    valid_from: dt.date | None
    valid_to: dt.date | None
    dated_by: str
    overrides: tuple[str, ...]
    confidence: str
    caveat: str | None
    remaining_route: str | None
    file: str
    line: int | None
    index: int = 0
    dated_in_advance: bool = False  # position in its file's `rules:` list (to locate problems)

    @property
    def outcome(self) -> str | None:
        return self.conclusion if isinstance(self.conclusion, str) else None

    @property
    def derives(self) -> tuple[str, Any] | None:
        return self.conclusion if isinstance(self.conclusion, tuple) else None

    def valid_on(self, day: dt.date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (self.valid_to is None or day <= self.valid_to)

    @property
    def location(self) -> str:
        """Full path and line: for maintainers (rules check, load errors)."""
        return f"{self.file}:{self.line}" if self.line else self.file

    @property
    def short_location(self) -> str:
        """'rules/de.yaml:88': for reports, which should not carry a machine's folder names."""
        path = Path(self.file)
        short = f"{path.parent.name}/{path.name}"
        return f"{short}:{self.line}" if self.line else short


@dataclass(frozen=True)
class Criterion:
    """A checklist criterion: shown as met / not met / unknown."""

    id: str
    label: str
    lens: str
    condition: Condition
    sources: tuple[str, ...]
    jurisdictions: tuple[str, ...]
    file: str
    line: int | None


@dataclass
class Rulebook:
    rules: dict[str, Rule]
    criteria: dict[str, Criterion]
    names: dict[str, str]  # jurisdiction code -> name
    summaries: dict[str, str]
    specs: dict[str, FactSpec]  # case facts + derived facts
    derived: dict[str, FactSpec]
    defeats: dict[str, frozenset[str]]  # rule id -> every rule it overrides, directly or not
    strata: list[list[str]]  # derive rules, in the order their conclusions are needed
    meta: RulebookMeta
    sources: SourceRegistry
    folder: Path
    fingerprint: str
    knowledge: dict[str, tuple[dt.date, str]] = field(default_factory=dict)  # code -> (known until, what is known)

    @property
    def version(self) -> str:
        return self.meta.version

    def rules_for(self, jurisdiction: str, stage: str) -> list[Rule]:
        return [r for r in self.rules.values() if r.stage == stage and jurisdiction in r.jurisdictions]

    def checklist_for(self, jurisdiction: str) -> list[Criterion]:
        return [c for c in self.criteria.values() if jurisdiction in c.jurisdictions]

    @cached_property
    def assess_rules(self) -> list[Rule]:
        return [r for r in self.rules.values() if r.stage != "derive"]

    def citing(self, ref: str) -> list[str]:
        """Rules and criteria that cite `ref` (a citation, or a prefix such as 'seed:000')."""
        hits = [r.id for r in self.rules.values() if any(s == ref or s.startswith(ref + "#") for s in r.sources)]
        hits += [c.id for c in self.criteria.values() if any(s == ref or s.startswith(ref + "#") for s in c.sources)]
        return hits


def default_rulebook() -> Rulebook:
    """The shipped rulebook (loaded once per process)."""
    global _DEFAULT
    if _DEFAULT is None:
        root = data_dir()
        try:
            _DEFAULT = load_rulebook(root / "rules", root / "seeds")
        except InputError as exc:  # the shipped rules are not the user's input: exit 1, as the README says
            raise RulebookError(f"the shipped rulebook does not load:\n{exc}") from None
    return _DEFAULT


_DEFAULT: Rulebook | None = None


def load_rulebook(folder: Path, sources_folder: Path | None = None) -> Rulebook:
    """Load every *.yaml in `folder`. Raises InputError listing every problem found, with file and line.

    A rulebook that loaded once is read back from its snapshot (:mod:`casefile.snapshot`) while neither its files
    nor casefile's code have changed."""
    from casefile import snapshot

    folder = Path(folder)
    sources_folder = Path(sources_folder) if sources_folder else folder.parent / "seeds"
    name = snapshot.key(folder, sources_folder)
    book = snapshot.read(name, folder)
    if book is None:
        book = _Loader(folder, load_sources(sources_folder)).load()
        snapshot.write(name, book)
    return book


class _Loader:
    def __init__(self, folder: Path, sources: SourceRegistry) -> None:
        self.folder = folder
        self.sources = sources
        self.problems: list[Problem] = []
        self.lines: dict[str, LineMap] = {}
        self.skip_conflicts = False  # `rules check` reports conflicts itself, with example cases

    def problem(
        self,
        file: str,
        lines: LineMap | None,
        path: tuple[Any, ...],
        field: str | None,
        text: str,
        hint: str | None = None,
    ) -> None:
        self.problems.append(Problem(file, lines.line(path) if lines else None, field, text, hint))

    def load(self) -> Rulebook:
        files = sorted(self.folder.glob("*.yaml")) + sorted(self.folder.glob("*.yml"))
        if not files:
            raise InputError.single(str(self.folder), "holds no rule files (*.yaml)")
        parsed: list[tuple[Path, RuleFileSpec, LineMap]] = []
        digest = hashlib.sha256()
        for path in files:
            doc = load_file_cached(path, max_bytes=2_000_000, what="rule file")
            digest.update(path.name.encode() + path.read_bytes())
            self.lines[str(path)] = doc.lines
            if not isinstance(doc.data, dict):
                self.problem(
                    str(path), doc.lines, (), None, "expected a rule file: a mapping with jurisdiction, name and rules"
                )
                continue
            try:
                parsed.append((path, RuleFileSpec.model_validate(doc.data), doc.lines))
            except ValidationError as exc:
                for err in exc.errors(include_url=False):
                    loc = tuple(err["loc"])
                    self.problem(
                        str(path), doc.lines, loc, _field_name(loc, doc.data), _rule_msg(err), _rule_hint(err, loc)
                    )
        if self.problems:
            raise InputError(self.problems)

        metas = [(p, spec.rulebook) for p, spec, _ in parsed if spec.rulebook]
        if len(metas) != 1:
            raise InputError.single(
                str(self.folder),
                "exactly one rule file (common.yaml) must carry the "
                f"'rulebook:' section with version and knowledge_date; found {len(metas)}",
            )
        meta = metas[0][1]
        assert meta is not None

        names: dict[str, str] = {}
        summaries: dict[str, str] = {}
        knowledge: dict[str, tuple[dt.date, str]] = {}
        derived: dict[str, FactSpec] = {}
        for path, spec, lines in parsed:
            if spec.jurisdiction != "all":
                if spec.jurisdiction in names:
                    self.problem(
                        str(path),
                        lines,
                        ("jurisdiction",),
                        "jurisdiction",
                        f"{spec.jurisdiction} already has a rule file",
                    )
                names[spec.jurisdiction] = spec.name
                summaries[spec.jurisdiction] = spec.summary
                if spec.knowledge is not None:
                    knowledge[spec.jurisdiction] = (spec.knowledge.until, " ".join(spec.knowledge.note.split()))
            for i, d in enumerate(spec.derived_facts):
                if spec.jurisdiction != "all":
                    self.problem(
                        str(path),
                        lines,
                        ("derived_facts", i),
                        "derived_facts",
                        "derived facts are declared in common.yaml only",
                    )
                derived[f"derived.{d.name}"] = FactSpec(
                    path=f"derived.{d.name}",
                    kind=d.kind,
                    label=d.label,
                    question=d.label,
                    values=tuple(d.values),
                    changeable=False,
                    computed=True,
                    description=d.description,
                )
        specs = {**CASE_FACTS, **derived}
        rules: dict[str, Rule] = {}
        criteria: dict[str, Criterion] = {}
        for path, spec, lines in parsed:
            codes = tuple(JURISDICTIONS) if spec.jurisdiction == "all" else (spec.jurisdiction,)
            prefix = "common" if spec.jurisdiction == "all" else spec.jurisdiction.lower()
            for i, raw in enumerate(spec.rules):
                rule = self._rule(path, lines, i, raw, codes, prefix, specs, derived)
                if rule is None:
                    continue
                if rule.id in rules:
                    self.problem(
                        str(path),
                        lines,
                        ("rules", i, "id"),
                        "id",
                        f"rule id '{rule.id}' is used twice (also at {rules[rule.id].location})",
                    )
                    continue
                rules[rule.id] = rule
            for i, raw_c in enumerate(spec.checklist):
                here = ("checklist", i)
                if not raw_c.id.startswith(prefix + "."):
                    self.problem(
                        str(path),
                        lines,
                        (*here, "id"),
                        "id",
                        f"criterion ids in this file start with '{prefix}.check.'",
                    )
                try:
                    cond = parse_condition(raw_c.when, specs, (*here, "when"))
                except ConditionError as exc:
                    self.problem(str(path), lines, exc.path, _dot(exc.path), exc.message, exc.hint)
                    continue
                self._citations(path, lines, (*here, "sources"), raw_c.sources)
                if raw_c.id in criteria:
                    self.problem(str(path), lines, (*here, "id"), "id", f"criterion id '{raw_c.id}' is used twice")
                criteria[raw_c.id] = Criterion(
                    raw_c.id,
                    raw_c.label,
                    raw_c.lens,
                    cond,
                    tuple(raw_c.sources),
                    codes,
                    str(path),
                    lines.line((*here, "id")),
                )
        if self.problems:
            raise InputError(self.problems)

        defeats = self._precedence(rules)
        strata = self._strata(rules, derived)
        if self.problems:
            raise InputError(self.problems)
        for code in JURISDICTIONS:
            if code not in names:
                self.problems.append(Problem(str(self.folder), None, None, f"no rule file for jurisdiction {code}"))
        if not self.skip_conflicts:
            self._conflicts(rules, defeats, specs)
        if self.problems:
            raise InputError(self.problems)
        return Rulebook(
            rules=rules,
            criteria=criteria,
            names=names,
            summaries=summaries,
            specs=specs,
            derived=derived,
            defeats=defeats,
            strata=strata,
            meta=meta,
            sources=self.sources,
            folder=self.folder,
            fingerprint=digest.hexdigest()[:16],
            knowledge=knowledge,
        )

    # -- one rule --------------------------------------------------------------------------------------------
    def _rule(
        self,
        path: Path,
        lines: LineMap,
        i: int,
        raw: RuleSpec,
        codes: tuple[str, ...],
        prefix: str,
        specs: dict[str, FactSpec],
        derived: dict[str, FactSpec],
    ) -> Rule | None:
        file, here = str(path), ("rules", i)
        ok = True
        parts = raw.id.split(".")
        if parts[0] != prefix:
            self.problem(
                file,
                lines,
                (*here, "id"),
                "id",
                f"rule ids in this file start with '{prefix}.'",
                f"e.g. {prefix}.{raw.stage}.{parts[-1]}",
            )
            ok = False
        if parts[1] != raw.stage:
            self.problem(
                file,
                lines,
                (*here, "id"),
                "id",
                f"the middle part of the id must be the rule's stage '{raw.stage}'",
                f"e.g. {prefix}.{raw.stage}.{parts[-1]}",
            )
            ok = False
        try:
            cond = parse_condition(raw.when, specs, (*here, "when"))
        except ConditionError as exc:
            self.problem(file, lines, exc.path, _dot(exc.path), exc.message, exc.hint)
            return None
        conclusion: Any = None
        if raw.stage == "derive":
            if prefix != "common":
                self.problem(file, lines, (*here, "stage"), "stage", "derive rules belong in common.yaml")
                ok = False
            if raw.outcome is not None or not raw.derive or len(raw.derive) != 1:
                self.problem(
                    file,
                    lines,
                    here,
                    "derive",
                    "a derive rule concludes exactly one derived fact, e.g. derive: {called_up: true}, and no outcome",
                )
                return None
            ((name, value),) = raw.derive.items()
            target = derived.get(f"derived.{name}")
            if target is None:
                self.problem(
                    file,
                    lines,
                    (*here, "derive"),
                    "derive",
                    f"'{name}' is not a declared derived fact",
                    did_you_mean(f"derived.{name}", derived),
                )
                return None
            if (target.kind == "bool" and not isinstance(value, bool)) or (
                target.kind == "enum" and value not in target.values
            ):
                self.problem(
                    file, lines, (*here, "derive", name), "derive", f"{value!r} is not a value of derived.{name}"
                )
                return None
            conclusion = (f"derived.{name}", value)
        else:
            allowed = {
                "access": ACCESS_OUTCOMES,
                "standard_access": ACCESS_OUTCOMES,
                "responsibility": RESPONSIBILITY_OUTCOMES,
            }.get(raw.stage, PROTECTION_OUTCOMES)
            if raw.derive is not None:
                self.problem(file, lines, (*here, "derive"), "derive", "only derive rules derive facts")
                ok = False
            if raw.outcome not in allowed:
                self.problem(
                    file,
                    lines,
                    (*here, "outcome") if raw.outcome else here,
                    "outcome",
                    f"a {raw.stage} rule concludes one of: {', '.join(allowed)}; got {raw.outcome!r}",
                    did_you_mean(str(raw.outcome), allowed),
                )
                return None
            if prefix != "common" and raw.stage in ("standard", "standard_access"):
                self.problem(
                    file,
                    lines,
                    (*here, "stage"),
                    "stage",
                    "standard-lens rules are the common framework: they belong in common.yaml",
                )
                ok = False
            if raw.outcome == "entry_barred" and not raw.remaining_route:
                self.problem(
                    file,
                    lines,
                    here,
                    "remaining_route",
                    "an entry_barred rule must say what legal route remains (remaining_route)",
                )
                ok = False
            conclusion = raw.outcome
        if raw.valid_from and raw.valid_to and raw.valid_from > raw.valid_to:
            self.problem(
                file,
                lines,
                (*here, "valid_to"),
                "valid_to",
                f"valid_to {raw.valid_to} is before valid_from {raw.valid_from}",
            )
            ok = False
        if raw.confidence == "low" and not raw.caveat:
            self.problem(file, lines, here, "caveat", "a low-confidence rule must say why in 'caveat'")
            ok = False
        self._citations(path, lines, (*here, "sources"), raw.sources)
        dated_by = raw.dated_by or {"access": "access_date", "responsibility": "claim_date"}.get(raw.stage, "as_of")
        window: list[Condition] = []
        if raw.valid_from:
            window.append(Atom(f"dates.{dated_by}", "ge", raw.valid_from))
        if raw.valid_to:
            window.append(Atom(f"dates.{dated_by}", "le", raw.valid_to))
        effective = cond if not window else All((*((cond,) if cond != TRUE else ()), *window))
        if not ok:
            return None
        return Rule(
            id=raw.id,
            title=raw.title,
            stage=raw.stage,
            condition=cond,
            effective=effective,
            conclusion=conclusion,
            reason=" ".join(raw.reason.split()),
            sources=tuple(raw.sources),
            jurisdictions=codes,
            valid_from=raw.valid_from,
            valid_to=raw.valid_to,
            dated_by=dated_by,
            overrides=tuple(raw.overrides),
            confidence=raw.confidence,
            caveat=" ".join(raw.caveat.split()) if raw.caveat else None,
            remaining_route=" ".join(raw.remaining_route.split()) if raw.remaining_route else None,
            file=file,
            line=lines.line((*here, "id")),
            index=i,
            dated_in_advance=raw.dated_in_advance,
        )

    def _citations(self, path: Path, lines: LineMap, here: tuple[Any, ...], refs: Iterable[str]) -> None:
        for j, ref in enumerate(refs):
            if self.sources.resolve(ref) is None:
                self.problem(
                    str(path),
                    lines,
                    (*here, j),
                    "sources",
                    f"citation '{ref}' does not resolve to a source in seeds/",
                    self.sources.suggestion(ref),
                )

    # -- precedence ------------------------------------------------------------------------------------------
    def _precedence(self, rules: dict[str, Rule]) -> dict[str, frozenset[str]]:
        direct: dict[str, set[str]] = {}
        ids = list(rules)
        for rule in rules.values():
            targets: set[str] = set()
            for j, pattern in enumerate(rule.overrides):
                if any(ch in pattern for ch in "*?["):
                    hits = {rid for rid in fnmatch.filter(ids, pattern) if rid != rule.id}
                else:
                    hits = {pattern} if pattern in rules and pattern != rule.id else set()
                lines = self.lines.get(rule.file)
                idx = self._index_of(rule)
                if not hits:
                    self.problem(
                        rule.file,
                        lines,
                        ("rules", idx, "overrides", j),
                        "overrides",
                        f"'{pattern}' names no rule (dangling override)",
                        did_you_mean(pattern, rules),
                    )
                for hit in hits:
                    other = rules[hit]
                    if other.stage != rule.stage:
                        self.problem(
                            rule.file,
                            lines,
                            ("rules", idx, "overrides", j),
                            "overrides",
                            f"'{hit}' is a {other.stage} rule; a {rule.stage} rule can only override rules "
                            "of its own stage",
                        )
                    elif not set(other.jurisdictions) & set(rule.jurisdictions):
                        self.problem(
                            rule.file,
                            lines,
                            ("rules", idx, "overrides", j),
                            "overrides",
                            f"'{hit}' applies to other jurisdictions; overriding it has no effect",
                        )
                targets |= {h for h in hits if rules[h].stage == rule.stage}
            direct[rule.id] = targets
        closure: dict[str, frozenset[str]] = {}
        for rid in rules:
            seen: set[str] = set()
            stack = list(direct[rid])
            while stack:
                nxt = stack.pop()
                if nxt in seen:
                    continue
                seen.add(nxt)
                stack.extend(direct.get(nxt, ()))
            if rid in seen:
                rule = rules[rid]
                self.problem(
                    rule.file,
                    self.lines.get(rule.file),
                    ("rules", self._index_of(rule), "overrides"),
                    "overrides",
                    f"'{rid}' overrides itself through a cycle of overrides",
                )
            closure[rid] = frozenset(seen - {rid})
        return closure

    def _index_of(self, rule: Rule) -> int:
        return rule.index

    def _strata(self, rules: dict[str, Rule], derived: dict[str, FactSpec]) -> list[list[str]]:
        producers: dict[str, list[str]] = {}
        for r in rules.values():
            if r.derives:
                producers.setdefault(r.derives[0], []).append(r.id)
        level: dict[str, int] = {}

        def level_of(rid: str, trail: tuple[str, ...]) -> int:
            if rid in level:
                return level[rid]
            if rid in trail:
                r = rules[rid]
                self.problem(
                    r.file,
                    self.lines.get(r.file),
                    ("rules",),
                    "derive",
                    f"derived facts depend on each other in a cycle: {' -> '.join((*trail, rid))}",
                )
                return 0
            deps = [d for d in facts_in(rules[rid].effective) if d in derived]
            lv = 0
            for d in deps:
                for producer in producers.get(d, []):
                    lv = max(lv, level_of(producer, (*trail, rid)) + 1)
            level[rid] = lv
            return lv

        for rid, r in rules.items():
            if r.derives:
                level_of(rid, ())
        for name in derived:
            if name not in producers:
                self.problems.append(
                    Problem(
                        str(self.folder / "common.yaml"),
                        None,
                        "derived_facts",
                        f"derived fact '{name}' is declared but no rule derives it",
                    )
                )
        count = max(level.values(), default=-1) + 1
        return [sorted(rid for rid, lv in level.items() if lv == k) for k in range(count)]

    # -- conflicts ----------------------------------------------------------------------------------------------
    def _conflicts(
        self, rules: dict[str, Rule], defeats: dict[str, frozenset[str]], specs: dict[str, FactSpec]
    ) -> None:
        for a, b in conflicting_pairs(rules, defeats, specs):
            ra, rb = rules[a], rules[b]
            shared = sorted(set(ra.jurisdictions) & set(rb.jurisdictions))
            self.problem(
                rb.file,
                self.lines.get(rb.file),
                ("rules", self._index_of(rb), "id"),
                "overrides",
                f"'{a}' ({ra.location}) and '{b}' can both apply to one case in {', '.join(shared)} with different "
                f"conclusions ({_show(ra.conclusion)} vs {_show(rb.conclusion)}) and neither overrides the other",
                f"add one id to the other's 'overrides', or make their conditions exclusive; overlap when: "
                f"{describe(All((ra.effective, rb.effective)), specs)[:200]}",
            )


def conflicting_pairs(
    rules: dict[str, Rule], defeats: dict[str, frozenset[str]], specs: dict[str, FactSpec]
) -> list[tuple[str, str]]:
    """Pairs of rules that may both apply to one case with different conclusions and no precedence."""
    out: list[tuple[str, str]] = []
    ordered = sorted(rules.values(), key=lambda r: r.id)
    for i, ra in enumerate(ordered):
        for rb in ordered[i + 1 :]:
            if ra.stage != rb.stage or not set(ra.jurisdictions) & set(rb.jurisdictions):
                continue
            if ra.stage == "derive":
                assert ra.derives and rb.derives
                if ra.derives[0] != rb.derives[0] or ra.derives[1] == rb.derives[1]:
                    continue
            elif ra.conclusion == rb.conclusion:
                continue
            if rb.id in defeats[ra.id] or ra.id in defeats[rb.id]:
                continue
            if overlap(ra.effective, rb.effective, specs):
                out.append((ra.id, rb.id))
    return out


def never_fires(rule: Rule, specs: dict[str, FactSpec]) -> bool:
    return not satisfiable(rule.effective, specs)


def _show(conclusion: Any) -> str:
    if isinstance(conclusion, tuple):
        return f"{conclusion[0]} = {conclusion[1]}"
    return str(conclusion)


def _dot(path: tuple[Any, ...]) -> str:
    return ".".join(str(p) for p in path if not isinstance(p, int)) or ""


def _field_name(loc: tuple[Any, ...], data: Any) -> str:
    """A readable field name for a pydantic location, including the rule id where there is one."""
    node = data
    rid = None
    for part in loc:
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "id" in node and isinstance(node["id"], str):
            rid = node["id"]
    name = ".".join(str(p) for p in loc if not isinstance(p, int))
    return f"{rid}: {loc[-1]}" if rid and loc else name


def _rule_msg(err: Any) -> str:
    kind = err["type"]
    if kind == "missing":
        return "is required"
    if kind == "extra_forbidden":
        return "is not a rule-file field"
    if kind == "too_short" and err["loc"] and err["loc"][-1] == "sources":
        return "every rule must cite at least one source (seed:<id>#<passage> or legal:<fact id>)"
    if kind == "string_pattern_mismatch":
        return f"{err['input']!r} does not have the expected form ({err['ctx']['pattern']})"
    if kind == "literal_error":
        return f"expected {err['ctx']['expected']}, got {err['input']!r}"
    return str(err["msg"])


def _rule_hint(err: Any, loc: tuple[Any, ...]) -> str | None:
    if err["type"] == "extra_forbidden" and loc:
        model: type[BaseModel] = RuleSpec if "rules" in loc else CriterionSpec if "checklist" in loc else RuleFileSpec
        return did_you_mean(str(loc[-1]), model.model_fields)
    if err["type"] == "literal_error":
        return did_you_mean(str(err["input"]), [s.strip(" '") for s in str(err["ctx"]["expected"]).split(",")])
    return None
