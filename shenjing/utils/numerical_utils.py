"""Array helpers of ``keras.utils``: one-hot labels and norm scaling."""

import numpy as np


def to_categorical(y, num_classes=None):
    """One-hot float32 array of the class indices ``y``, the class axis last.

    A trailing axis of size 1 (labels shaped ``(n, 1)``) is dropped first, and
    ``num_classes`` defaults to ``max(y) + 1``, as in Keras. An index outside
    ``0..num_classes - 1`` raises ``ValueError`` (NumPy indexing in Keras would
    wrap a negative one silently).
    """
    y = np.asarray(y, dtype="int64")
    shape = y.shape
    if len(shape) > 1 and shape[-1] == 1:
        shape = shape[:-1]
    y = y.reshape(-1)
    if not num_classes:
        num_classes = int(np.max(y)) + 1
    if y.size and (y.min() < 0 or y.max() >= num_classes):
        raise ValueError(
            f"to_categorical expects class indices in 0..{num_classes - 1}, "
            f"received values from {int(y.min())} to {int(y.max())}"
        )
    categorical = np.zeros((y.shape[0], num_classes), dtype="float32")
    categorical[np.arange(y.shape[0]), y] = 1
    return categorical.reshape(shape + (num_classes,))


def normalize(x, axis=-1, order=2):
    """``x`` divided by its ``order``-norm along ``axis``; vectors of norm 0 stay 0.

    As in Keras, a 1-D ``x`` comes back with a leading axis, shape ``(1, n)``.
    ``axis=None`` means the last axis. (Keras 3's NumPy path also swaps
    ``axis=0`` for the last axis when dividing, which mis-broadcasts; here
    ``axis=0`` normalizes along axis 0, as tf.keras did.)
    """
    x = np.asarray(x)
    if axis is None:
        axis = -1
    norm = np.atleast_1d(np.linalg.norm(x, order, axis))
    norm[norm == 0] = 1
    return x / np.expand_dims(norm, axis)
