"""Nested structures (``keras.tree``): lists, tuples, dicts and their leaves.

A structure is a leaf, or a list, tuple (named tuples included) or dict (its
subclasses included) of structures. Leaves come out in order: lists and tuples by position, dicts in
their insertion order (as Keras 3's ``keras.tree`` on the NumPy backend keeps
them). ``None`` is a leaf. This module imports nothing of shenjing: every floor
may use it.
"""

from collections import defaultdict

Mapping = dict  # the mappings walked: dict and its subclasses (OrderedDict, defaultdict)
_NESTED = (list, tuple, dict)


def is_nested(structure):
    """Whether ``structure`` is a list, tuple or dict (not a leaf)."""
    return isinstance(structure, _NESTED)


def _children(structure):
    if isinstance(structure, Mapping):
        return [structure[key] for key in structure]
    return list(structure)


def _rebuild(structure, children):
    if isinstance(structure, Mapping):
        pairs = zip(structure.keys(), children)
        if type(structure) is dict:
            return dict(pairs)
        if isinstance(structure, defaultdict):  # its constructor takes the factory first
            return type(structure)(structure.default_factory, pairs)
        return type(structure)(pairs)
    if isinstance(structure, tuple) and hasattr(structure, "_fields"):  # a namedtuple
        return type(structure)(*children)
    return type(structure)(children)


def flatten(structure):
    """The leaves of ``structure``, in order (iterative: deep nesting is no recursion limit)."""
    if not isinstance(structure, _NESTED):
        return [structure]
    out, stack = [], [structure]
    while stack:
        item = stack.pop()
        if is_nested(item):
            stack.extend(reversed(_children(item)))
        else:
            out.append(item)
    return out


def map_structure(fn, *structures):
    """``fn`` applied leaf by leaf to one or more structures of the same nesting."""
    first = structures[0]
    if len(structures) > 1:
        for other in structures[1:]:
            assert_same_structure(first, other)
    if not is_nested(first):
        return fn(*structures)
    if isinstance(first, Mapping):  # pair dict leaves by key, whatever each dict's key order
        columns = zip(*([s[key] for key in first] for s in structures))
    else:
        columns = zip(*(_children(s) for s in structures))
    return _rebuild(first, [map_structure(fn, *column) for column in columns])


def pack_sequence_as(structure, flat_sequence):
    """The leaves of ``flat_sequence`` put back into the nesting of ``structure``."""
    flat_sequence = list(flat_sequence)
    expected = len(flatten(structure))
    if len(flat_sequence) != expected:
        raise ValueError(f"pack_sequence_as: the structure has {expected} leaves but "
                         f"flat_sequence has {len(flat_sequence)} elements")
    leaves = iter(flat_sequence)
    return map_structure(lambda _: next(leaves), structure)


def assert_same_structure(a, b):
    """Raise ValueError when ``a`` and ``b`` do not nest alike (leaf types may differ)."""
    if is_nested(a) != is_nested(b):
        raise ValueError(f"The two structures don't have the same nested structure: {a!r} and {b!r}")
    if not is_nested(a):
        return
    if isinstance(a, Mapping) != isinstance(b, Mapping):
        raise ValueError(f"The two structures don't have the same nested structure: one is a dict, "
                         f"the other a {type(b).__name__}: {a!r} and {b!r}")
    if isinstance(a, Mapping) and set(a) != set(b):
        raise ValueError(f"The two dicts don't have the same keys: {sorted(map(str, a))} and "
                         f"{sorted(map(str, b))}")
    if len(a) != len(b):
        raise ValueError(f"The two structures don't have the same length: {len(a)} and {len(b)}")
    bs = [b[k] for k in a] if isinstance(a, Mapping) else list(b)
    for x, y in zip(_children(a), bs):
        assert_same_structure(x, y)


class MAP_TO_NONE:
    """Special value for ``traverse``: a ``fn`` returning this class replaces the node by ``None``."""


def traverse(fn, structure, top_down=True):
    """Call ``fn`` on every node; a non-None result replaces that node (its subtree, top-down)
    and ``MAP_TO_NONE`` replaces it by ``None``."""
    if top_down:
        result = fn(structure)
        if result is None:
            if not is_nested(structure):
                return structure
            return _rebuild(structure, [traverse(fn, c, True) for c in _children(structure)])
    else:
        if is_nested(structure):
            structure = _rebuild(structure, [traverse(fn, c, False) for c in _children(structure)])
        result = fn(structure)
        if result is None:
            return structure
    # By name, as Keras does: keras.tree.MAP_TO_NONE (Keras's own class) works too.
    return None if isinstance(result, type) and result.__name__ == "MAP_TO_NONE" else result


def flatten_with_path(structure):
    """``[(path, leaf), ...]`` in ``flatten``'s order; a path is the tuple of indices (lists,
    tuples, named tuples) and keys (dicts) leading from the root to the leaf."""
    out = []

    def walk(item, path):
        if not is_nested(item):
            out.append((path, item))
            return
        keys = list(item) if isinstance(item, Mapping) else range(len(item))
        for key, child in zip(keys, _children(item)):
            walk(child, path + (key,))

    walk(structure, ())
    return out


def assert_same_paths(a, b):
    """Raise ValueError unless ``a`` and ``b`` have the same leaf paths (collection types may
    differ: ``[0, 1]`` and ``(2, 3)`` have the same paths)."""
    a_paths = {p for p, _ in flatten_with_path(a)}
    b_paths = {p for p, _ in flatten_with_path(b)}
    if a_paths != b_paths:
        msg = "`a` and `b` don't have the same paths."
        if a_paths - b_paths:
            msg += f"\nPaths in `a` missing in `b`:\n{a_paths - b_paths}"
        if b_paths - a_paths:
            msg += f"\nPaths in `b` missing in `a`:\n{b_paths - a_paths}"
        raise ValueError(msg)


def lists_to_tuples(structure):
    """The structure with every list (nested ones too) turned into a tuple."""
    return traverse(lambda node: tuple(node) if isinstance(node, list) else None, structure,
                    top_down=False)


def _is_shape(x):
    return isinstance(x, (list, tuple)) and all(isinstance(e, (int, type(None))) for e in x)


def map_shape_structure(fn, structure):
    """``map_structure`` where a list or tuple of ints and Nones (a shape) is one leaf."""
    if _is_shape(structure) or not is_nested(structure):
        return fn(structure)
    return _rebuild(structure, [map_shape_structure(fn, c) for c in _children(structure)])


def map_structure_up_to(shallow_structure, fn, *structures):
    """``fn`` applied to the sub-structures of ``structures`` found at the leaves of
    ``shallow_structure``; deeper nesting is passed to ``fn`` as it is."""
    if not structures:
        raise ValueError("map_structure_up_to: expected at least one structure. Received: none")
    if not callable(fn):
        raise TypeError(f"map_structure_up_to: expected `func` to be callable. Received: func={fn!r}")

    def walk(shallow, items):
        if not is_nested(shallow):
            return fn(*items)
        for item in items:
            if not is_nested(item):
                raise ValueError(f"The structure {item!r} is shallower than the shallow structure "
                                 f"{shallow!r}: expected a {type(shallow).__name__} at this level")
            if isinstance(shallow, Mapping) != isinstance(item, Mapping):
                raise ValueError(f"The two structures don't have the same nested structure: "
                                 f"{shallow!r} and {item!r}")
            if isinstance(shallow, Mapping):
                missing = [k for k in shallow if k not in item]
                if missing or len(item) != len(shallow):
                    raise ValueError(f"The two dicts don't have the same keys: "
                                     f"{sorted(map(str, shallow))} and {sorted(map(str, item))}")
            elif len(item) != len(shallow):
                raise ValueError(f"The two structures don't have the same length: "
                                 f"{len(shallow)} and {len(item)}")
        if isinstance(shallow, Mapping):
            columns = [[item[k] for item in items] for k in shallow]
        else:
            columns = [list(col) for col in zip(*(_children(item) for item in items))]
        return _rebuild(shallow, [walk(s, col) for s, col in zip(_children(shallow), columns)])

    return walk(shallow_structure, structures)


__all__ = ["is_nested", "flatten", "map_structure", "pack_sequence_as", "assert_same_structure",
           "traverse", "MAP_TO_NONE", "flatten_with_path", "assert_same_paths", "lists_to_tuples",
           "map_shape_structure", "map_structure_up_to"]
