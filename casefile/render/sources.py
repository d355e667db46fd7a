"""Terminal views of the sources: ``casefile sources`` and ``casefile sources <id>``."""

from __future__ import annotations

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from casefile.errors import InputError, did_you_mean
from casefile.rulebook import Rulebook
from casefile.sources import LegalFact


def render_sources(book: Rulebook, console: Console) -> None:
    reg = book.sources
    table = Table(box=box.SIMPLE, title="Seed documents")
    for col in ("Id", "Title", "Publisher", "Date", "Passages", "Cited by"):
        table.add_column(col)
    for seed in sorted(reg.seeds.values(), key=lambda s: s.id):
        table.add_row(
            seed.id,
            seed.title,
            seed.publisher,
            seed.when,
            str(len(seed.passages)),
            str(len(book.citing(f"seed:{seed.id}"))),
        )
    console.print(table)
    facts = Table(box=box.SIMPLE, title=f"Legal and policy facts, run to {reg.facts_run_to}")
    for col in ("Id", "Section", "Date", "Status", "Cited by"):
        facts.add_column(col)
    for fact in reg.facts.values():
        facts.add_row(
            fact.id + (" (corrected)" if fact.corrected else ""),
            fact.section,
            fact.date,
            ", ".join(fact.status) or "",
            _cited_by(book, fact),
        )
    console.print(facts)
    console.print("Show one: casefile sources 000   ·   casefile sources legal:G6")


def render_source(book: Rulebook, ref: str, console: Console) -> None:
    reg = book.sources
    key = ref.removeprefix("seed:").split("#")[0]
    if key in reg.seeds:
        seed = reg.seeds[key]
        console.print(Text(f"seed:{seed.id}  {seed.title}", style="bold"))
        console.print(f"{seed.publisher}{', ' + seed.author if seed.author else ''}, {seed.when}  {seed.url or ''}")
        console.print(Text(seed.summary))
        if seed.reliability:
            console.print(Text("Reliability: " + seed.reliability, style="yellow"))
        for passage in seed.passages.values():
            cite = f"seed:{seed.id}#{passage.id}"
            users = book.citing(cite)
            console.print(Text(f"\n#{passage.id}", style="bold") + Text(f"  ({passage.about})", style="dim"))
            console.print(Text(f"  “{passage.quote}”"))
            console.print(Text("  cited by: " + (", ".join(users) if users else "no rule"), style="cyan"))
        return
    fact_id = ref.removeprefix("legal:")
    fact = reg.facts.get(fact_id)
    if fact is None:
        raise InputError.single(
            None, f"no source '{ref}'", field="source", hint=did_you_mean(key, list(reg.seeds) + list(reg.facts))
        )
    console.print(Text(f"legal:{fact.id}  ({fact.section}, {fact.date})", style="bold"))
    console.print(Text(fact.fact))
    if fact.corrected:
        by = f" (see {', '.join('legal:' + c for c in fact.corrected_by)})" if fact.corrected_by else ""
        console.print(Text(f"Corrected (2026): {fact.corrected}{by}", style="magenta"))
    if fact.status:
        console.print(Text(f"⚠ {', '.join(fact.status)}: {fact.note}", style="yellow"))
    for w in fact.web:
        console.print(f"  {w}: {' ; '.join(reg.web.get(w, ()))}")
    if fact.seeds:
        console.print(f"  seeds: {', '.join(fact.seeds)}")
    users = book.citing(f"legal:{fact.id}")
    if fact.context_only and not users:
        console.print(Text("context only: background, no outcome rests on it", style="cyan"))
    else:
        console.print(Text("cited by: " + (", ".join(users) if users else "no rule"), style="cyan"))


def _cited_by(book: Rulebook, fact: LegalFact) -> str:
    """How many rules cite a fact, or "context only" for background facts that no outcome rests on."""
    count = len(book.citing(f"legal:{fact.id}"))
    if fact.context_only:
        return "context only" + (f"; {count}" if count else "")
    return str(count)
