"""Entry script of the frozen app (PyInstaller starts here)."""

from writer_app.cli import main

raise SystemExit(main())
