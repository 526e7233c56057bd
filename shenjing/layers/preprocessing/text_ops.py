"""The string steps of ``TextVectorization``, as TensorFlow's ops do them for Keras 3.

- ``lower``: ``tf.strings.lower`` without an encoding lowers ASCII letters only ("ÉCOLE" ->
  "École").
- ``strip_punctuation``: removes every character of Keras's class
  ``[!"#$%&()\\*\\+,-\\./:;<=>?@\\[\\\\\\]^_`{|}~\\']``.
- ``whitespace`` split: ``tf.strings.split`` splits on runs of ASCII whitespace
  (space, \\t, \\n, \\v, \\f, \\r) and drops empty pieces; U+00A0 and other Unicode spaces
  stay inside tokens.
- ``character`` split: one token per Unicode code point.
- ngrams: for each width in order, the runs of that many tokens joined by " " (a sequence
  shorter than the width gives none of that width).
"""

import re

import numpy as np

STRIP_REGEX = re.compile(r'[!"#$%&()\*\+,-\./:;<=>?@\[\\\]^_`{|}~\']')
_WHITESPACE = re.compile(r"[ \t\n\v\f\r]+")
_ASCII_LOWER = str.maketrans("ABCDEFGHIJKLMNOPQRSTUVWXYZ", "abcdefghijklmnopqrstuvwxyz")


def _map_strings(function, strings):
    strings = np.asarray(strings)
    if strings.size == 0:
        return strings.astype(str)
    return np.vectorize(function, otypes=[object])(strings).astype(str)


def standardize(strings, how):
    """``strings`` (a NumPy str array) after ``how``: a Keras name, None, or a callable that
    takes and returns a NumPy array of strings (Keras 3 hands one to it on non-TF backends)."""
    if how in ("lower", "lower_and_strip_punctuation"):
        strings = _map_strings(lambda s: s.translate(_ASCII_LOWER), strings)
    if how in ("strip_punctuation", "lower_and_strip_punctuation"):
        strings = _map_strings(lambda s: STRIP_REGEX.sub("", s), strings)
    if callable(how):
        strings = np.asarray(how(strings))
        if strings.dtype.kind == "S":
            strings = np.char.decode(strings, "utf-8")
        elif strings.dtype.kind != "U":
            strings = _map_strings(lambda s: s.decode("utf-8") if isinstance(s, bytes) else str(s),
                                   strings)
    return strings


def split(strings, how):
    """A list (one entry per string of the 1-D ``strings``) of token lists."""
    if how == "whitespace":
        return [[t for t in _WHITESPACE.split(s) if t] for s in strings.tolist()]
    if how == "character":
        return [list(s) for s in strings.tolist()]
    rows = how(strings)
    return [[t.decode("utf-8") if isinstance(t, bytes) else str(t) for t in row] for row in rows]


def ngrams(tokens, widths):
    """The n-grams of one token list for each width of ``widths``, width by width."""
    if isinstance(widths, range):  # 1..n: widths past the row's length give nothing
        widths = widths[:len(tokens)]
    out = []
    for width in widths:
        out.extend(" ".join(tokens[i:i + width]) for i in range(len(tokens) - width + 1))
    return out


def pad_rows(rows, length=None, fill=""):
    """The ragged ``rows`` as one array of str, cut or filled with ``fill`` to ``length``
    (default: the longest row)."""
    if length is None:
        length = max((len(r) for r in rows), default=0)
    out = np.full((len(rows), length), fill, dtype=object)
    for i, row in enumerate(rows):
        row = row[:length]
        out[i, :len(row)] = row
    return out.astype(str) if out.size else np.zeros(out.shape, dtype=str)
