"""``keras.tree``: the structure helpers (one implementation, in ``backend/tree.py``, so that
the lowest floors can use them too)."""

from ..backend.tree import (assert_same_structure, flatten, is_nested, map_structure,  # noqa: F401
                            pack_sequence_as, traverse)

__all__ = ["is_nested", "flatten", "map_structure", "pack_sequence_as", "assert_same_structure",
           "traverse"]
