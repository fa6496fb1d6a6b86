"""`python -m kb.cli`: the same as the `kb` command."""

from kb.cli.commands import main

raise SystemExit(main())
