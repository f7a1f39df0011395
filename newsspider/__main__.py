"""``python -m newsspider``: the ``newsspider`` command, where no script is on PATH."""

import sys

from newsspider.cli import main

sys.exit(main())
