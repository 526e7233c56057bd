"""keras.tree's path and shape helpers compared with Keras 3's on the same structures (dicts
with sorted keys, since Keras's optree walks dicts in sorted order and shenjing in insertion
order, which coincide there)."""

import collections

import pytest

from shenjing.keras import tree as st

Point = collections.namedtuple("Point", ["x", "y"])
STRUCTURES = [
    [{"a": 1, "b": (2, 3)}, 4],
    (1, [2, [3, None]]),
    {"k": Point(1, [2, 3])},
    5,
]


@pytest.mark.parametrize("structure", STRUCTURES, ids=range(len(STRUCTURES)))
def test_paths_and_lists_to_tuples_equal(keras_module, structure):
    kt = keras_module.tree
    assert st.flatten_with_path(structure) == kt.flatten_with_path(structure)
    assert st.lists_to_tuples(structure) == kt.lists_to_tuples(structure)
    assert st.traverse(lambda x: kt.MAP_TO_NONE if x == 3 else None, structure) == \
        kt.traverse(lambda x: kt.MAP_TO_NONE if x == 3 else None, structure)
    st.assert_same_paths(structure, kt.lists_to_tuples(structure))


def test_map_shape_structure_and_up_to_equal(keras_module):
    kt = keras_module.tree
    shapes = {"a": (None, 3), "b": [(2, 4), [5]]}
    assert st.map_shape_structure(lambda s: tuple(s) + (1,), shapes) == \
        kt.map_shape_structure(lambda s: tuple(s) + (1,), shapes)
    structure = [[1, 1], [2, 2]]
    # (Keras 3.15's optree version rejects None leaves in a nested shallow structure, against
    # its own docstring; shenjing follows the docstring, tested in tests/backend/test_tree.py.)
    for shallow in ([0, 0], [0, [0, 0]], {"a": 0, "b": 0}):
        if isinstance(shallow, dict):
            structure = {"a": [1, 2], "b": (3,)}
        assert st.map_structure_up_to(shallow, str, structure) == \
            kt.map_structure_up_to(shallow, str, structure)
    with pytest.raises(ValueError):
        kt.assert_same_paths([1, 2], [1, 2, 3])
    with pytest.raises(ValueError, match="don't have the same paths"):
        st.assert_same_paths([1, 2], [1, 2, 3])
