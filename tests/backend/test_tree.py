"""``keras.tree``: the structure helpers in backend/tree.py."""

import collections

import pytest

from shenjing.backend import tree
from shenjing.utils import tree as utils_tree


def test_flatten_orders_lists_tuples_and_dicts_by_insertion():
    assert tree.flatten([1, (2, 3), {"b": 4, "a": [5, None]}]) == [1, 2, 3, 4, 5, None]
    assert tree.flatten(7) == [7]


def test_flatten_is_not_limited_by_recursion_depth():
    deep = 0
    for _ in range(5000):
        deep = [deep]
    assert tree.flatten(deep) == [0]


def test_map_structure_keeps_the_nesting_and_named_tuples():
    Point = collections.namedtuple("Point", "x y")
    out = tree.map_structure(lambda v: v * 10, {"p": Point(1, 2), "l": [3]})
    assert out == {"p": Point(10, 20), "l": [30]} and isinstance(out["p"], Point)


def test_map_structure_pairs_dict_leaves_by_key_not_by_order():
    out = tree.map_structure(lambda a, b: (a, b), {"a": 1, "b": 2}, {"b": 20, "a": 10})
    assert out == {"a": (1, 10), "b": (2, 20)}


def test_map_structure_refuses_structures_that_differ():
    with pytest.raises(ValueError, match="same"):
        tree.map_structure(lambda a, b: a, [1, 2], [1])
    with pytest.raises(ValueError, match="keys"):
        tree.map_structure(lambda a, b: a, {"a": 1}, {"b": 1})


def test_pack_sequence_as_round_trips_and_checks_the_count():
    structure = {"x": (1, 2), "y": [3]}
    assert tree.pack_sequence_as(structure, tree.flatten(structure)) == structure
    with pytest.raises(ValueError, match="3 leaves"):
        tree.pack_sequence_as(structure, [1, 2])


def test_traverse_top_down_replaces_subtrees():
    assert tree.traverse(lambda s: "X" if s == (1, 2) else None, [(1, 2), 3]) == ["X", 3]


def test_keras_tree_is_the_one_implementation():
    assert utils_tree.flatten is tree.flatten and utils_tree.map_structure is tree.map_structure


def test_dict_subclasses_keep_their_type_and_other_mappings_are_leaves():
    import types
    from collections import OrderedDict, defaultdict

    counts = defaultdict(int, {"a": 1, "b": 2})
    out = tree.map_structure(lambda v: v * 2, counts)
    assert type(out) is defaultdict and out == {"a": 2, "b": 4} and out["missing"] == 0
    assert type(tree.map_structure(str, OrderedDict(x=1))) is OrderedDict
    proxy = types.MappingProxyType({"a": 1})
    assert tree.flatten(proxy) == [proxy]  # as Keras 3's optree-based tree: not a dict, a leaf


def test_flatten_with_path_and_assert_same_paths():
    Point = collections.namedtuple("Point", ["x", "y"])
    assert tree.flatten_with_path([{"foo": 42}]) == [((0, "foo"), 42)]
    assert tree.flatten_with_path({"b": Point(1, None), "a": 2}) == [(("b", 0), 1), (("b", 1), None), (("a",), 2)]
    assert tree.flatten_with_path(7) == [((), 7)]
    tree.assert_same_paths([0, 1], (2, 3))
    with pytest.raises(ValueError, match=r"missing in `b`:\n\{\(2,\)\}"):
        tree.assert_same_paths([0, 1, 2], (2, 3))


def test_traverse_map_to_none_and_lists_to_tuples():
    assert tree.traverse(lambda x: tree.MAP_TO_NONE if x == 2 else None, [1, [2, 3]]) == [1, [None, 3]]
    assert tree.traverse(lambda x: tree.MAP_TO_NONE if x == 2 else None, [1, [2]], top_down=False) == [1, [None]]
    assert tree.lists_to_tuples([1, [2, {"a": [3]}]]) == (1, (2, {"a": (3,)}))


def test_map_shape_structure_treats_shapes_as_leaves():
    shapes = {"a": (None, 3), "b": [(2, 4), [5]], "c": ()}
    assert tree.map_shape_structure(len, shapes) == {"a": 2, "b": [2, 1], "c": 0}


def test_map_structure_up_to_maps_down_to_the_shallow_leaves():
    structure = [[1, 1], [2, 2]]
    assert tree.map_structure_up_to([None, None], len, structure) == [2, 2]
    assert tree.map_structure_up_to([None, [None, None]], str, structure) == ["[1, 1]", ["2", "2"]]
    assert tree.map_structure_up_to({"a": 0}, lambda x, y: x + y, {"a": [1]}, {"a": [2]}) == {"a": [1, 2]}
    with pytest.raises(ValueError, match="shallower"):
        tree.map_structure_up_to([None, [None]], str, [1, 2])
    with pytest.raises(ValueError, match="length"):
        tree.map_structure_up_to([None, None], str, [1, 2, 3])
    with pytest.raises(ValueError, match="at least one structure"):
        tree.map_structure_up_to([None], str)
