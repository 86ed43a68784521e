"""``python -m newskit`` runs the command line."""

from newskit.cli import main

raise SystemExit(main())
