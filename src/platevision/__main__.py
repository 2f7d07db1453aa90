"""``python -m platevision``: the command line."""

from platevision.cli import main

raise SystemExit(main())
