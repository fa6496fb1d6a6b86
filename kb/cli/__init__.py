"""The `kb` command line: an interface over the KnowledgeBase, like the web UI (`ui`).

It stays in `kb` so the `kb` console script needs no web stack; it imports `ui` and `evals` only
inside the commands that run them (`kb serve`, `kb eval`). `parser` declares the arguments,
`commands` runs them.
"""

from __future__ import annotations

from kb.cli.commands import main
from kb.cli.parser import build_parser

__all__ = ["main", "build_parser"]
