"""``tf.nest``: the nested-structure helpers of ``keras.tree`` under TensorFlow's names
(the same rules as ``keras.tree``: lists, tuples, named tuples and dicts are structures)."""

from ..backend.tree import (assert_same_structure, flatten, is_nested, map_structure,  # noqa: F401
                            pack_sequence_as)

__all__ = ["assert_same_structure", "flatten", "is_nested", "map_structure", "pack_sequence_as"]
