"""``keras.tree``: the same module object as ``shenjing.utils.tree`` (one implementation, re-exported)."""

import sys

from ..utils import tree as _implementation

sys.modules[__name__] = _implementation
