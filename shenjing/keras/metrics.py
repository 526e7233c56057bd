"""``keras.metrics``: the same module object as ``shenjing.metrics`` (one implementation, re-exported)."""

import sys

from .. import metrics as _implementation

sys.modules[__name__] = _implementation
