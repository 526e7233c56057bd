"""``keras.callbacks``: the same module object as ``shenjing.callbacks`` (one implementation, re-exported)."""

import sys

from .. import callbacks as _implementation

sys.modules[__name__] = _implementation
