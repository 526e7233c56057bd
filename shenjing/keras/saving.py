"""``keras.saving``: the same module object as ``shenjing.saving``."""

import sys

from .. import saving as _implementation

sys.modules[__name__] = _implementation
