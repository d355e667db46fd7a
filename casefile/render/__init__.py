"""Renderers: the same assessment as terminal text, JSON, Markdown or a self-contained HTML page."""
