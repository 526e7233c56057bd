"""``keras.tree``: the same module object as ``shenjing.utils.tree`` (the structure helpers
``flatten``, ``map_structure``, ``pack_sequence_as``, ...), re-exported."""

import sys

from ..utils import tree as _implementation

sys.modules[__name__] = _implementation
