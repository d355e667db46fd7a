"""The inference engines, and the choice between them.

``durable-rules`` (the product's engine) is used wherever it imports; on Python 3.13 and later its C core does not
import, and the product runs on the pure-Python reference evaluator instead, saying so once. Set
``CASEFILE_ENGINE=reference`` or ``=durable`` to choose explicitly.
"""

from __future__ import annotations

import os
import sys

from casefile.engine.base import Firing, Matcher, Trace, deciding, run
from casefile.engine.reference import ReferenceMatcher
from casefile.errors import EngineError
from casefile.rulebook import Rulebook

__all__ = ["EngineError", "Firing", "Matcher", "Trace", "deciding", "durable_available", "matcher", "run"]

_durable_import_error: str | None = None
_REFERENCE: dict[str, ReferenceMatcher] = {}


def durable_available() -> bool:
    global _durable_import_error
    try:
        import casefile.engine.durable_engine  # noqa: F401
    except Exception as exc:  # ImportError, or undefined-symbol errors on Python 3.13+
        _durable_import_error = f"{type(exc).__name__}: {exc}"
        return False
    return True


def durable_import_error() -> str | None:
    durable_available()
    return _durable_import_error


def engine_choice() -> str:
    """'durable-rules' or 'reference', as this process will use."""
    wanted = os.environ.get("CASEFILE_ENGINE", "").strip().lower()
    if wanted == "reference":
        return "reference"
    if wanted == "durable" or wanted == "":
        if durable_available():
            return "durable-rules"
        if wanted == "durable":
            raise EngineError(
                f"CASEFILE_ENGINE=durable, but durable-rules cannot be imported ({_durable_import_error})"
            )
        return "reference"
    from casefile.errors import InputError  # a setting the user gave: bad input, exit 2

    raise InputError.single(None, "expected 'durable' or 'reference' (or leave it unset)", field="CASEFILE_ENGINE")


_noticed = False


def matcher(rulebook: Rulebook, name: str | None = None, *, checklists: bool = True) -> Matcher:
    """The matcher to evaluate with: `name` ('durable-rules' / 'reference'), or the process default.

    `checklists=False` gives a matcher that decides outcomes only (no checklist criteria), for batches.
    """
    global _noticed
    choice = name or engine_choice()
    if choice == "durable-rules":
        from casefile.engine.durable_engine import matcher_for

        return matcher_for(rulebook, checklists=checklists)
    if name is None and not _noticed and os.environ.get("CASEFILE_ENGINE", "").lower() != "reference":
        _noticed = True
        print(
            f"note: durable-rules is not available on Python {sys.version_info.major}.{sys.version_info.minor}; "
            "using casefile's reference evaluator (same rules, same answers).",
            file=sys.stderr,
        )
    key = f"{rulebook.fingerprint}{'' if checklists else '_outcomes'}"
    m = _REFERENCE.get(key)
    if m is None:
        m = _REFERENCE[key] = ReferenceMatcher(rulebook, checklists=checklists)
    return m
