"""Command modules that register themselves on the CLI.

Each module here defines ``register(app: typer.Typer) -> None`` and adds its commands; :mod:`casefile.cli` calls
every ``register`` it finds. Keep heavy imports inside the command functions so that start-up stays fast.
"""

from __future__ import annotations

import importlib
import pkgutil

import typer


def register_all(app: typer.Typer) -> None:
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        module = importlib.import_module(f"{__name__}.{info.name}")
        register = getattr(module, "register", None)
        if callable(register):
            register(app)
