"""Entry script for the frozen build: the same ``main()`` as ``python -m companion``.

The PostgreSQL driver is not in the bundle (a team store needs it, a single interviewer
does not); IT adds it as a ``drivers/`` folder beside the launchers (docs/IT.md), and
it is found there.
"""

import sys
from pathlib import Path

DRIVERS = Path(sys.executable).resolve().parent / "drivers"
if getattr(sys, "frozen", False) and DRIVERS.is_dir():
    sys.path.append(str(DRIVERS))

from companion.cli import main  # noqa: E402 (after the path is complete)

if __name__ == "__main__":
    sys.exit(main())
