"""Keras's mask metadata: a boolean tensor that rides on a tensor as ``_keras_mask``.

A layer that supports masking attaches ``compute_mask(inputs, previous_mask)`` to its
outputs; the next layer gets it as its ``mask`` argument; losses and metrics read it from
``y_pred``. Ops never copy it: a new tensor starts without a mask.
"""


def get_keras_mask(x):
    """The mask attached to ``x`` (a Tensor or KerasTensor), or None."""
    return getattr(x, "_keras_mask", None)


def set_keras_mask(x, mask):
    """Attach ``mask`` to ``x`` in place (None removes it)."""
    try:
        x._keras_mask = mask
    except AttributeError:
        if mask is None:
            return
        raise TypeError(f"set_keras_mask: expected a Tensor or KerasTensor to carry the mask. "
                        f"Received: x of type {type(x).__name__}") from None
