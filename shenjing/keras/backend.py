"""``keras.backend``: the dtype and session helpers that Keras programs call."""

from ..backend import floatx, set_floatx  # noqa: F401  (re-exported)

_EPSILON = 1e-7


def epsilon():
    """The fuzz factor Keras adds to avoid dividing by zero (1e-7)."""
    return _EPSILON


def set_epsilon(value):
    global _EPSILON
    _EPSILON = float(value)


def image_data_format():
    """Always ``"channels_last"``: shenjing's images are (N, H, W, C)."""
    return "channels_last"


def backend():
    return "numpy"


def clear_session(free_memory=True):
    """Reset the global state as Keras does: the layer (and SeedGenerator) names handed out, so
    new layers are named 'dense', 'conv2d', ... again, and the global random state
    (``shenjing.random.reset_session_state``); ``free_memory`` runs the garbage collector."""
    import gc

    from ..layers import reset_name_counters
    from ..random import reset_session_state

    reset_name_counters()
    reset_session_state()
    if free_memory:
        gc.collect()


def random_normal(shape, mean=0.0, stddev=1.0, dtype=None, seed=None):
    """tf.keras 2's ``keras.backend.random_normal``: ``keras.random.normal``."""
    from ..random.keras_random import normal

    return normal(shape, mean=mean, stddev=stddev, dtype=dtype, seed=seed)


def random_uniform(shape, minval=0.0, maxval=1.0, dtype=None, seed=None):
    """tf.keras 2's ``keras.backend.random_uniform``: ``keras.random.uniform``."""
    from ..random.keras_random import uniform

    return uniform(shape, minval=minval, maxval=maxval, dtype=dtype, seed=seed)


def get_value(x):
    """tf.keras 2's ``keras.backend.get_value``: ``x``'s value as NumPy (a number stays a number)."""
    numpy = getattr(x, "numpy", None)
    if callable(numpy):
        return numpy()
    import numpy as np

    return np.asarray(x) if isinstance(x, (list, tuple)) else x


def set_value(x, value):
    """tf.keras 2's ``keras.backend.set_value``: ``x.assign(value)`` for a Variable or an
    optimizer's learning rate (``optimizer.learning_rate``/``optimizer.lr``)."""
    assign = getattr(x, "assign", None)
    if not callable(assign):
        raise TypeError("Expected a Variable or an optimizer's `learning_rate` (something with "
                        f"`assign`). Received: x={x!r} of type {type(x).__name__}")
    assign(value)


def mean(x, axis=None, keepdims=False):
    """tf.keras 2's ``keras.backend.mean``: ``keras.ops.mean``."""
    from ..ops.numpy import mean as _mean

    return _mean(x, axis=axis, keepdims=keepdims)


def std(x, axis=None, keepdims=False):
    """tf.keras 2's ``keras.backend.std`` (population standard deviation): ``keras.ops.std``."""
    from ..ops.numpy import std as _std

    return _std(x, axis=axis, keepdims=keepdims)


def var(x, axis=None, keepdims=False):
    """tf.keras 2's ``keras.backend.var`` (population variance): ``keras.ops.var``."""
    from ..ops.numpy import var as _var

    return _var(x, axis=axis, keepdims=keepdims)
