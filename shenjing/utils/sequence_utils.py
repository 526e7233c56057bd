"""``keras.utils.pad_sequences``: a list of sequences as one array of equal-length rows."""

import numpy as np


def pad_sequences(sequences, maxlen=None, dtype="int32", padding="pre", truncating="pre",
                  value=0.0):
    """An array of shape ``(len(sequences), maxlen) + sample_shape``.

    ``maxlen`` defaults to the longest sequence. A longer sequence loses its first
    (``truncating="pre"``) or last (``"post"``) items; a shorter one is filled with ``value``
    before (``padding="pre"``) or after (``"post"``) its items. ``sample_shape`` is the shape
    of one item of the first non-empty sequence; every item must have it (Keras 3's contract,
    ``keras/src/utils/sequence_utils.py``)."""
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    lengths, sample_shape, found = [], (), False
    for sequence in sequences:
        try:
            lengths.append(len(sequence))
        except TypeError as error:
            raise ValueError("`sequences` must be a list of iterables. "
                             f"Found non-iterable: {sequence}") from error
        if not found and len(sequence):
            sample_shape = np.asarray(sequence).shape[1:]
            found = True
    if maxlen is None:
        if not lengths:
            raise ValueError("`sequences` is empty: pass `maxlen` or at least one sequence.")
        maxlen = int(np.max(lengths))
    is_text = np.issubdtype(dtype, np.str_) or np.issubdtype(dtype, np.bytes_)
    if isinstance(value, str) and dtype is not object and not is_text:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: {type(value)}\n"
                         "You should set `dtype=object` for variable length strings.")
    if truncating not in ("pre", "post"):
        raise ValueError(f'Truncating type "{truncating}" not understood')
    if padding not in ("pre", "post"):
        raise ValueError(f'Padding type "{padding}" not understood')
    out = np.full((len(lengths), maxlen) + sample_shape, value, dtype=dtype)
    for row, sequence in enumerate(sequences):
        if not len(sequence):
            continue
        # Keras slices s[-maxlen:] (all of s when maxlen is 0) and s[:maxlen].
        kept = sequence[-maxlen:] if truncating == "pre" else sequence[:maxlen]
        kept = np.asarray(kept, dtype=dtype)
        if kept.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {kept.shape[1:]} of sequence at position {row} "
                             f"is different from expected shape {sample_shape}")
        if padding == "post":
            out[row, :len(kept)] = kept
        else:
            out[row, -len(kept):] = kept
    return out
