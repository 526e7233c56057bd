"""``keras.utils``: the same module object as ``shenjing.utils`` (one implementation, re-exported)."""

import sys

from .. import utils as _implementation

sys.modules[__name__] = _implementation
