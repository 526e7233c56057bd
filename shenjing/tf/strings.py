"""``tf.strings`` on NumPy string arrays (what Keras 3 hands a custom ``TextVectorization``
``standardize`` callable, and what a ``shenjing.data.Dataset`` holds): ``lower``, ``upper``,
``regex_replace``, ``strip``, ``length``, ``join``.

A value is a Python ``str``/``bytes``, a list of them, or a NumPy array of dtype ``U``, ``S``
or object; the result has the same shape and kind (``str`` stays ``str``, ``bytes`` stays
``bytes``). As in TensorFlow: ``lower``/``upper`` without ``encoding`` change ASCII letters
only; ``regex_replace`` replaces every match (``replace_global=True``) or the first, with
``\\1``-style groups in ``rewrite``; ``length`` counts bytes (``unit="BYTE"``) or code points
(``unit="UTF8_CHAR"``).
"""

import re

import numpy as np

__all__ = ["join", "length", "lower", "regex_replace", "strip", "upper"]

_LOWER = bytes.maketrans(b"ABCDEFGHIJKLMNOPQRSTUVWXYZ", b"abcdefghijklmnopqrstuvwxyz")
_UPPER = bytes.maketrans(b"abcdefghijklmnopqrstuvwxyz", b"ABCDEFGHIJKLMNOPQRSTUVWXYZ")


def _array(value):
    if hasattr(value, "data") and not isinstance(value, (np.ndarray, bytes, memoryview)):
        value = value.data  # a shenjing Tensor holding strings
    array = np.asarray(value if not isinstance(value, list) else np.array(value, dtype=object))
    if array.dtype.kind not in "USO":
        raise TypeError(f"tf.strings expects strings (str, bytes or an array of them). Received: "
                        f"an array of dtype {array.dtype} and shape {array.shape}")
    return array


def _map(function, value, out=None):
    """``function(s)`` on each string (``str`` or ``bytes``), in the input's kind and shape."""
    array = _array(value)
    results = [function(s) for s in array.reshape(-1).tolist()]
    if out is not None:
        return np.asarray(results, dtype=out).reshape(array.shape)
    if array.dtype.kind == "U":
        result = np.asarray(results, dtype=str) if results else array.copy()
    elif array.dtype.kind == "S":
        result = np.asarray(results, dtype=bytes) if results else array.copy()
    else:
        result = np.empty(len(results), dtype=object)
        result[:] = results
    result = result.reshape(array.shape)
    if isinstance(value, (str, bytes)):
        return result[()]
    return result


def _ascii(table, s):
    if isinstance(s, bytes):
        return s.translate(table)
    return s.translate({a: b for a, b in zip(range(256), table) if a != b})


def lower(input, encoding="", name=None):
    """ASCII letters lowered (every letter with ``encoding="utf-8"``)."""
    if encoding:
        return _map(lambda s: s.lower() if isinstance(s, str) else s.decode(encoding).lower().encode(encoding), input)
    return _map(lambda s: _ascii(_LOWER, s), input)


def upper(input, encoding="", name=None):
    """ASCII letters raised (every letter with ``encoding="utf-8"``)."""
    if encoding:
        return _map(lambda s: s.upper() if isinstance(s, str) else s.decode(encoding).upper().encode(encoding), input)
    return _map(lambda s: _ascii(_UPPER, s), input)


def regex_replace(input, pattern, rewrite, replace_global=True, name=None):
    """Every match (or the first, ``replace_global=False``) of ``pattern`` replaced by
    ``rewrite``."""
    count = 0 if replace_global else 1
    compiled = {}

    def replace(s):
        kind = type(s)
        if kind not in compiled:
            p = pattern.encode() if kind is bytes and isinstance(pattern, str) else pattern
            r = rewrite.encode() if kind is bytes and isinstance(rewrite, str) else rewrite
            if kind is str and isinstance(p, bytes):
                p, r = p.decode(), r.decode() if isinstance(r, bytes) else r
            compiled[kind] = (re.compile(p), r)
        regex, r = compiled[kind]
        return regex.sub(r, s, count=count)

    return _map(replace, input)


def strip(input, name=None):
    """Leading and trailing whitespace removed."""
    return _map(lambda s: s.strip(), input)


def length(input, unit="BYTE", name=None):
    """The length of each string, in bytes (``unit="BYTE"``) or code points (``"UTF8_CHAR"``)."""
    if unit not in ("BYTE", "UTF8_CHAR"):
        raise ValueError(f'`unit` must be "BYTE" or "UTF8_CHAR". Received: unit={unit!r}')

    def count(s):
        if unit == "BYTE":
            return len(s.encode("utf-8") if isinstance(s, str) else s)
        return len(s.decode("utf-8") if isinstance(s, bytes) else s)

    result = _map(count, input, out=np.int32)
    return result[()] if isinstance(input, (str, bytes)) else result


def join(inputs, separator="", name=None):
    """The strings of ``inputs`` (a list of equal-shape values) joined elementwise."""
    arrays = np.broadcast_arrays(*[_array(v) for v in inputs])
    out = np.empty(arrays[0].shape, dtype=object)
    for index in np.ndindex(out.shape):
        parts = [a[index] for a in arrays]
        sep = separator.encode() if parts and isinstance(parts[0], bytes) and isinstance(separator, str) else separator
        out[index] = sep.join(parts)
    kinds = {a.dtype.kind for a in arrays}
    if kinds == {"U"}:
        return out.astype(str)
    return out
