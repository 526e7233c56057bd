"""``keras.constraints``: the same module object as ``shenjing.constraints`` (one implementation, re-exported)."""

import sys

from .. import constraints as _implementation

sys.modules[__name__] = _implementation
