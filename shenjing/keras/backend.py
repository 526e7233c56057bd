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
    """Forget the layer names handed out, so new layers are named 'dense', 'conv2d', ... again."""
    from ..layers import reset_name_counters

    reset_name_counters()
