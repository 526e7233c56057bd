"""``keras.initializers``: the same module object as ``shenjing.initializers`` (one implementation, re-exported)."""

import sys

from .. import initializers as _implementation

sys.modules[__name__] = _implementation
