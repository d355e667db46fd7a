"""Where every conclusion comes from: the seed documents and the legal and policy facts.

``seeds/`` holds one record per seed document (title, publisher, date, URL, a summary in our own words and the
short passages that rules cite) and ``seeds/legal.yaml``, the dated legal and policy facts of ``legal-facts.md`` and
its 2025-26 continuation ``legal-facts-2026.md``, with the web pages they were read from. A fact that the later sheet
corrects keeps its first wording and carries the correction, which every quotation of it shows. Facts marked
``use: context`` are background only. Rules cite ``seed:<id>#<passage>`` (e.g. ``seed:000#andrei``) or
``legal:<fact id>`` (e.g. ``legal:G6``, ``legal:LT-B8``). This module loads those records and resolves citations;
a citation that does not resolve stops the rulebook from loading.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casefile.documents import load_file
from casefile.errors import InputError, Problem, did_you_mean

#: ``seed:<3 digits>#<passage>`` or ``legal:<fact id>``; fact ids are a one- or two-letter prefix, optionally a country
#: or EU prefix before a dash (``LT-B8``, ``EU-D1``), then a number of up to three digits (``G6``, ``PL3``, ``F9a``).
CITATION = re.compile(
    r"^(?:seed:(?P<seed>\d{3})#(?P<passage>[a-z0-9_]+)|legal:(?P<fact>(?:[A-Z]{2}-)?[A-Z]{1,2}[1-9]\d{0,2}a?))$"
)


@dataclass(frozen=True)
class Passage:
    id: str
    quote: str
    about: str = ""


@dataclass(frozen=True)
class Seed:
    id: str
    file: str
    title: str
    publisher: str
    summary: str
    kind: str = ""
    author: str | None = None
    date: dt.date | None = None
    date_text: str | None = None
    url: str | None = None
    reliability: str = ""
    passages: dict[str, Passage] = field(default_factory=dict)

    @property
    def when(self) -> str:
        return self.date.isoformat() if self.date else (self.date_text or "undated")


@dataclass(frozen=True)
class LegalFact:
    id: str
    section: str
    fact: str
    date: str
    status: tuple[str, ...] = ()
    note: str = ""
    web: tuple[str, ...] = ()
    seeds: tuple[str, ...] = ()
    corrected: str = ""
    """What a later fact sheet (legal-facts-2026.md §10) says instead; the fact text stays as first transcribed."""
    corrected_by: tuple[str, ...] = ()
    """Ids of the later facts the correction points to."""
    use: str = ""
    """``context`` for facts kept as background only: no outcome rests on them."""

    @property
    def context_only(self) -> bool:
        return self.use == "context"

    @property
    def text(self) -> str:
        """The fact as the sheet states it, followed by any later correction, so no quotation omits it."""
        return f"{self.fact} Corrected (2026): {self.corrected}" if self.corrected else self.fact

    @property
    def unverified(self) -> bool:
        return "unverified" in self.status

    @property
    def disputed(self) -> bool:
        return "disputed" in self.status


@dataclass(frozen=True)
class Citation:
    """A resolved citation."""

    ref: str
    kind: str  # "seed" or "legal"
    title: str
    text: str
    status: tuple[str, ...] = ()
    note: str = ""
    urls: tuple[str, ...] = ()


@dataclass
class SourceRegistry:
    seeds: dict[str, Seed]
    facts: dict[str, LegalFact]
    web: dict[str, tuple[str, ...]]
    facts_run_to: str = ""

    def resolve(self, ref: str) -> Citation | None:
        m = CITATION.match(ref)
        if not m:
            return None
        if m["seed"]:
            seed = self.seeds.get(m["seed"])
            passage = seed.passages.get(m["passage"]) if seed else None
            if seed is None or passage is None:
                return None
            return Citation(
                ref,
                "seed",
                f"{seed.title} ({seed.publisher}, {seed.when})",
                passage.quote,
                urls=(seed.url,) if seed.url else (),
            )
        fact = self.facts.get(m["fact"])
        if fact is None:
            return None
        urls = tuple(u for w in fact.web for u in self.web.get(w, ()))
        return Citation(
            ref,
            "legal",
            f"legal-facts {fact.id} ({fact.section}, {fact.date})",
            fact.text,
            status=fact.status,
            note=fact.note,
            urls=urls,
        )

    def suggestion(self, ref: str) -> str | None:
        """A hint for a citation that does not resolve."""
        m = CITATION.match(ref)
        if not m:
            return "write seed:<3 digits>#<passage> or legal:<fact id>, e.g. seed:000#andrei, legal:G6 or legal:LT-B8"
        if m["seed"]:
            seed = self.seeds.get(m["seed"])
            if seed is None:
                return f"known seeds: {', '.join(sorted(self.seeds))}"
            return did_you_mean(m["passage"], seed.passages) or f"passages of seed {seed.id}: " + ", ".join(
                sorted(seed.passages)
            )
        return did_you_mean(m["fact"], self.facts)


def load_sources(folder: Path) -> SourceRegistry:
    """Load seeds/*.yaml and seeds/legal.yaml. Malformed records are InputErrors with file and line."""
    seeds: dict[str, Seed] = {}
    problems: list[Problem] = []
    facts: dict[str, LegalFact] = {}
    web: dict[str, tuple[str, ...]] = {}
    facts_run_to = ""
    for path in sorted(folder.glob("*.yaml")):
        doc = load_file(path, what="source record")
        data = doc.data
        if not isinstance(data, dict):
            problems.append(Problem(str(path), 1, None, "expected a mapping"))
            continue
        try:
            if path.name == "legal.yaml":
                facts_run_to = str(data.get("facts_run_to", ""))
                for i, row in enumerate(data.get("facts") or []):
                    facts[row["id"]] = LegalFact(
                        id=str(row["id"]),
                        section=str(row.get("section", "")),
                        fact=_text(row["fact"]),
                        date=str(row.get("date", "")),
                        status=tuple(row.get("status") or ()),
                        note=_text(row.get("note") or ""),
                        web=tuple(row.get("web") or ()),
                        seeds=tuple(str(s) for s in row.get("seeds") or ()),
                        corrected=_text(row.get("corrected") or ""),
                        corrected_by=tuple(str(c) for c in row.get("corrected_by") or ()),
                        use=_use(path, row),
                    )
                    _ = i
                for row in data.get("web") or []:
                    web[str(row["id"])] = tuple(str(u) for u in row.get("urls") or ())
            else:
                passages = {
                    str(p["id"]): Passage(str(p["id"]), _text(p["quote"]), _text(p.get("about", "")))
                    for p in data.get("passages") or []
                }
                date = data.get("date")
                seeds[str(data["id"])] = Seed(
                    id=str(data["id"]),
                    file=str(data.get("file", "")),
                    title=_text(data["title"]),
                    publisher=_text(data.get("publisher", "")),
                    summary=_text(data.get("summary", "")),
                    kind=str(data.get("kind", "")),
                    author=data.get("author"),
                    date=date if isinstance(date, dt.date) else None,
                    date_text=data.get("date_text"),
                    url=data.get("url"),
                    reliability=_text(data.get("reliability", "")),
                    passages=passages,
                )
        except (KeyError, TypeError) as exc:
            problems.append(Problem(str(path), None, None, f"source record is missing or mistypes {exc}"))
    if problems:
        raise InputError(problems)
    return SourceRegistry(seeds=seeds, facts=facts, web=web, facts_run_to=facts_run_to)


def _use(path: Path, row: dict[str, Any]) -> str:
    """The optional ``use`` mark of a fact: only ``context`` is known."""
    use = str(row.get("use") or "")
    if use not in ("", "context"):
        raise InputError.single(
            str(path), f"fact {row.get('id')}: unknown use '{use}'", field="use", hint="the only mark is 'use: context'"
        )
    return use


def _text(value: Any) -> str:
    """Collapse whitespace and drop markdown link and emphasis marks kept from the stored seed texts."""
    text = " ".join(str(value).split())
    text = re.sub(r"\[([^\]]+)\]\(#?\)", r"\1", text)
    return re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r"\1", text)
