"""Fast flatten and pack for one element structure, compiled once and used per element.

``backend.tree`` is general (any Mapping, lists, abstract checks) and costs tens of
microseconds per element; a pipeline of 60,000 elements an epoch needs less. Elements made by
shenjing.data hold only dicts, tuples (named ones too) and array leaves, so a ``Plan`` built
from one element flattens every later element of that structure with plain loops, reading
dicts by key (so their key order never matters), and raises ``StructureMismatch`` for an
element that nests differently.
"""


class StructureMismatch(ValueError):
    """An element does not nest like the plan's reference element."""


def _flattener(reference):
    if isinstance(reference, dict):
        keys = tuple(reference)
        subs = tuple(_flattener(reference[key]) for key in keys)

        def flatten_dict(value, out):
            if not isinstance(value, dict) or len(value) != len(keys):
                raise StructureMismatch
            for key, sub in zip(keys, subs):
                if key not in value:
                    raise StructureMismatch
                sub(value[key], out)
        return flatten_dict
    if isinstance(reference, tuple):
        subs = tuple(_flattener(item) for item in reference)
        if all(sub is _leaf for sub in subs):
            size = len(subs)

            def flatten_flat_tuple(value, out):
                if not isinstance(value, tuple) or len(value) != size or any(
                        isinstance(v, (tuple, dict)) for v in value):
                    raise StructureMismatch
                out.extend(value)
            return flatten_flat_tuple

        def flatten_tuple(value, out):
            if not isinstance(value, tuple) or len(value) != len(subs):
                raise StructureMismatch
            for item, sub in zip(value, subs):
                sub(item, out)
        return flatten_tuple
    return _leaf


def _leaf(value, out):
    if isinstance(value, (tuple, dict)):
        raise StructureMismatch
    out.append(value)


def _packer(reference):
    """A function taking an iterator of leaves and returning them in reference's nesting."""
    if isinstance(reference, dict):
        keys = tuple(reference)
        subs = tuple(_packer(reference[key]) for key in keys)
        return lambda leaves: {key: sub(leaves) for key, sub in zip(keys, subs)}
    if isinstance(reference, tuple):
        subs = tuple(_packer(item) for item in reference)
        if hasattr(reference, "_fields"):
            cls = type(reference)
            return lambda leaves: cls(*[sub(leaves) for sub in subs])
        return lambda leaves: tuple([sub(leaves) for sub in subs])
    return next


class Plan:
    """``flatten(element)`` and ``pack(leaves)`` for elements nested like ``reference``."""

    __slots__ = ("_flatten", "_pack")

    def __init__(self, reference):
        self._flatten = _flattener(reference)
        self._pack = _packer(reference)

    def flatten(self, element):
        out = []
        self._flatten(element, out)
        return out

    def pack(self, leaves):
        if self._pack is next:
            (leaf,) = leaves
            return leaf
        return self._pack(iter(leaves))
