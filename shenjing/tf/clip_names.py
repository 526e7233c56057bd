"""``tf.clip_by_norm`` and ``tf.clip_by_global_norm``, composed of ``shenjing.ops`` (differentiable).

clip_by_norm(t, c, axes):   t * c / max(||t||_axes, c)            (unchanged when ||t|| <= c)
clip_by_global_norm(ts, c): g = sqrt(sum_i ||t_i||^2);  t_i * c / max(g, c);  returns (list, g)
"""

import numpy as np  # type check only

from ..autograd import Tensor
from ..ops import numpy as knp
from ..ops.numpy_common import to_tensor

__all__ = ["clip_by_norm", "clip_by_global_norm"]


def clip_by_norm(t, clip_norm, axes=None, name=None):
    t = to_tensor(t)
    l2 = knp.sqrt(knp.sum(knp.square(t), axis=axes, keepdims=True))
    return t * clip_norm / knp.maximum(l2, clip_norm)


def global_norm(t_list, name=None):
    """sqrt of the sum of the squared L2 norms of the tensors (``None`` entries are skipped)."""
    squares = [knp.sum(knp.square(to_tensor(t))) for t in t_list if t is not None]
    if not squares:
        return to_tensor(0.0)
    total = squares[0]
    for s in squares[1:]:
        total = total + s
    return knp.sqrt(total)


def clip_by_global_norm(t_list, clip_norm, use_norm=None, name=None):
    if isinstance(t_list, (str, bytes, Tensor, np.ndarray)) or not hasattr(t_list, "__iter__"):
        raise TypeError(f"Expected `t_list` to be a list or tuple of tensors. Received: t_list={t_list!r}")
    t_list = list(t_list)
    norm = global_norm(t_list) if use_norm is None else to_tensor(use_norm)
    scale = clip_norm / knp.maximum(norm, clip_norm)
    return [None if t is None else to_tensor(t) * scale for t in t_list], norm
