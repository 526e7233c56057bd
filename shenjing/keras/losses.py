"""``keras.losses``: the same module object as ``shenjing.losses`` (one implementation, re-exported)."""

import sys

from .. import losses as _implementation

sys.modules[__name__] = _implementation
