"""``keras.layers``: the same module object as ``shenjing.layers`` (one implementation, re-exported)."""

import sys

from .. import layers as _implementation

sys.modules[__name__] = _implementation
