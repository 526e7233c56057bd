"""``python -m shenjing.cli``: the ``shenjing`` command."""

import sys

from . import main

sys.exit(main())
