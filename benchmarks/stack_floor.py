"""The smallest program that uses casefile's stack the way every casefile command must: read a short YAML text,
validate it with one pydantic model, and print one rich table. `benchmarks/run.py` times it beside the import floor
(`import pydantic, typer, rich, yaml, jinja2, durable.engine`, which imports pydantic lazily and rich's package only)
to show how much of a cold command the libraries alone take once they do any work."""

import contextlib
import os

os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "1")  # as casefile's commands do (no scan for plugins)

import jinja2  # noqa: F401  (the floor's imports)
import pydantic  # noqa: F401
import rich  # noqa: F401
import typer  # noqa: F401
import yaml

with contextlib.suppress(ImportError):  # Python 3.13+: durable-rules does not import (the floor leaves it out too)
    import durable.engine  # noqa: F401

from pydantic import BaseModel
from rich.console import Console
from rich.table import Table


class Person(BaseModel):
    name: str
    birth_year: int | None = None


class Case(BaseModel):
    case_id: str
    person: Person


case = Case.model_validate(yaml.safe_load("case_id: andrei\nperson:\n  name: Andrei\n  birth_year: 1990\n"))
table = Table("case", "name", "born")
table.add_row(case.case_id, case.person.name, str(case.person.birth_year))
Console(width=100).print(table)
