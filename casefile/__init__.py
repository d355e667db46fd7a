"""casefile: one asylum case, seven European jurisdictions, explained outcomes.

An educational model of how Russian men who fled mobilisation are treated in Germany, the Netherlands, the Baltic
states, Poland and Finland, and why. It is never legal advice; every output says so.

The library is small and layered: :mod:`casefile.case` (the case file), :mod:`casefile.facts` (the fact
vocabulary), :mod:`casefile.conditions` and :mod:`casefile.rulebook` (rule files), :mod:`casefile.engine`
(durable-rules and the reference evaluator), :mod:`casefile.assessment` (outcomes, checklists, explanations),
:mod:`casefile.explain` (unknowns, why not, what would change it) and the renderers; :mod:`casefile.cli` is a thin
command line on top.
"""

__version__ = "0.1.0"

DISCLAIMER = (
    "Educational model, not legal advice. casefile simplifies reported law and practice to teach how one case is "
    "treated in different places; it cannot assess a real person's claim. Anyone facing a real decision should "
    "consult a qualified lawyer or a refugee-support organisation."
)
