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


def traverse(fn, structure, top_down=True):
    """Call ``fn`` on every node; in top-down order a non-None result replaces that subtree."""
    if top_down:
        result = fn(structure)
        if result is not None:
            return result
        if not is_nested(structure):
            return structure
        return _rebuild(structure, [traverse(fn, c, True) for c in _children(structure)])
    if is_nested(structure):
        structure = _rebuild(structure, [traverse(fn, c, False) for c in _children(structure)])
    result = fn(structure)
    return structure if result is None else result


__all__ = ["is_nested", "flatten", "map_structure", "pack_sequence_as", "assert_same_structure",
           "traverse"]
