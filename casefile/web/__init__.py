"""``casefile serve``: a local web workshop for NGO training runs (an optional extra: ``pip install casefile[web]``).

A trainer explores a case in the browser (every fact editable, the seven jurisdictions updating live, a date slider
through the timeline, a colour-blind-safe tile map, the handout one click away, the edited case downloadable as
YAML) and runs a workshop: volunteers join from their phones with a short code and a nickname, predict each
jurisdiction's outcome, and the trainer reveals the answer beside the room's predictions, then the debrief.

Modules: :mod:`~casefile.web.app` (routes and security), :mod:`~casefile.web.editor` (the facts card),
:mod:`~casefile.web.views` (matrix, map, bars, debrief), :mod:`~casefile.web.store` (sessions in SQLite),
:mod:`~casefile.web.i18n` (the message catalogue), :mod:`~casefile.web.serve` (the server and the LAN address).
Nothing here is imported by the command line unless ``casefile serve`` runs.
"""
