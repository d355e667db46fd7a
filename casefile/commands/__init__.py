"""Command modules that register themselves on the CLI.

Each module here defines ``register(app: typer.Typer) -> None`` and adds its commands (one module per command or
group: ``report`` evaluate and compare, ``timeline``, ``whatif``, ``catalogue`` examples, sources and schema,
``rules``, ``batch``, ``doctor``, ``interview``, ``serve``, ``train``); ``options`` holds the options they share.
:mod:`casefile.cli` keeps the app, the helpers and the entry point, and calls every ``register`` it finds. Keep
heavy imports inside the command functions so that start-up stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer

FIRST = ("report", "timeline", "whatif", "catalogue")
"""The modules whose commands --help lists first (what a trainer uses); the rest follow alphabetically."""


def register_all(app: typer.Typer) -> None:
    def rank(name: str) -> tuple[int, str]:
        return (FIRST.index(name) if name in FIRST else len(FIRST), name)

    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: rank(m.name)):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)
