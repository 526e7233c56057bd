"""``keras.regularizers``: the same module object as ``shenjing.regularizers`` (one implementation, re-exported)."""

import sys

from .. import regularizers as _implementation

sys.modules[__name__] = _implementation
