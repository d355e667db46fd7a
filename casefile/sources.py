"""Where every conclusion comes from: the seed documents and the legal and policy facts.

``seeds/`` holds one record per seed document (title, publisher, date, URL, a summary in our own words and the
short passages that rules cite) and ``seeds/legal.yaml``, the dated legal and policy facts of ``legal-facts.md``
with the web pages they were read from. Rules cite ``seed:<id>#<passage>`` (e.g. ``seed:000#andrei``) or
``legal:<fact id>`` (e.g. ``legal:G6``). This module loads those records and resolves citations; a citation that
does not resolve stops the rulebook from loading.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from casefile.documents import load_file
from casefile.errors import InputError, Problem, did_you_mean

CITATION = re.compile(r"^(?:seed:(?P<seed>\d{3})#(?P<passage>[a-z0-9_]+)|legal:(?P<fact>[A-Z]{1,2}\d{1,2}a?))$")


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
            fact.fact,
            status=fact.status,
            note=fact.note,
            urls=urls,
        )

    def suggestion(self, ref: str) -> str | None:
        """A hint for a citation that does not resolve."""
        m = CITATION.match(ref)
        if not m:
            return "write seed:<3 digits>#<passage> or legal:<fact id>, e.g. seed:000#andrei or legal:G6"
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


def _text(value: Any) -> str:
    """Collapse whitespace and drop markdown link and emphasis marks kept from the stored seed texts."""
    text = " ".join(str(value).split())
    text = re.sub(r"\[([^\]]+)\]\(#?\)", r"\1", text)
    return re.sub(r"(?<!\w)\*([^*]+)\*(?!\w)", r"\1", text)
