"""Allow ``python -m accountaudit``."""

from accountaudit.cli.main import main

raise SystemExit(main())
