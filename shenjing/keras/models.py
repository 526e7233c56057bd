"""``keras.models``: the same module object as ``shenjing.models`` (one implementation, re-exported)."""

import sys

from .. import models as _implementation

sys.modules[__name__] = _implementation
