"""``keras.tree``: the structure helpers (one implementation, in ``backend/tree.py``, so that
the lowest floors can use them too)."""

from ..backend.tree import (MAP_TO_NONE, assert_same_paths, assert_same_structure,  # noqa: F401
                            flatten, flatten_with_path, is_nested, lists_to_tuples,
                            map_shape_structure, map_structure, map_structure_up_to,
                            pack_sequence_as, traverse)

__all__ = ["is_nested", "flatten", "map_structure", "pack_sequence_as", "assert_same_structure",
           "traverse", "MAP_TO_NONE", "flatten_with_path", "assert_same_paths", "lists_to_tuples",
           "map_shape_structure", "map_structure_up_to"]
