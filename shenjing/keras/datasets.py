"""``keras.datasets``: the same module object as ``shenjing.datasets`` (one implementation, re-exported)."""

import sys

from .. import datasets as _implementation

sys.modules[__name__] = _implementation
