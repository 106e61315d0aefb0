"""``python -m bot`` is the same as the ``loan-advisor`` command."""

import sys

from bot.cli import main

sys.exit(main())
