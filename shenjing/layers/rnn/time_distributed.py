"""``TimeDistributed``: one layer applied to every temporal slice of a sequence.

y[:, t] = layer(x[:, t]) for every t, with the same weights. When the inner layer treats
each sample on its own (Dense, Conv2D, ...), time is folded into the batch: one call on
(batch * time, ...) instead of one call per step. Layers whose output for a sample depends
on the rest of the batch (BatchNormalization) or on earlier calls (stateful RNNs) are
called once per step, as Keras does.
"""

import inspect

from ...autograd import Tensor, ops
from ..layer import Layer
from ..wrapper import Wrapper
from ...registry import keras_export


def _takes(layer, argument):
    return argument in inspect.signature(layer.call).parameters


def _foldable(layer):
    """Whether one call on (batch * time, ...) equals one call per time slice."""
    from ..normalization import BatchNormalization

    for sub in layer._flatten_layers():
        if isinstance(sub, BatchNormalization) or getattr(sub, "stateful", False):
            return False
    return True


@keras_export("keras.layers.TimeDistributed")
class TimeDistributed(Wrapper):
    """``TimeDistributed(layer)``: inputs (batch, time, ...) -> (batch, time, *layer's output[1:]).

    ``mask`` (batch, time, ...) goes to the inner layer step by step where its ``call`` takes
    one; the output mask is the input mask (Keras 3's ``supports_masking``).
    """

    def __init__(self, layer, **kwargs):
        if not isinstance(layer, Layer):
            raise ValueError("Please initialize `TimeDistributed` layer with a "
                             f"`keras.layers.Layer` instance. Received: {layer}")
        super().__init__(layer, **kwargs)
        self.supports_masking = True

    def _get_child_input_shape(self, input_shape):
        if not isinstance(input_shape, (tuple, list)) or len(input_shape) < 3:
            raise ValueError("`TimeDistributed` Layer should be passed an `input_shape` with at "
                             f"least 3 dimensions, received: {input_shape}")
        return (input_shape[0], *input_shape[2:])

    def compute_output_shape(self, input_shape):
        child = self.layer.compute_output_shape(self._get_child_input_shape(tuple(input_shape)))
        return (child[0], input_shape[1], *child[1:])

    def build(self, input_shape):
        super().build(self._get_child_input_shape(tuple(input_shape)))

    def compute_mask(self, inputs, mask=None):
        return mask

    def _inner_kwargs(self, training, mask):
        kwargs = {}
        if mask is not None and _takes(self.layer, "mask"):
            kwargs["mask"] = mask
        if training is not None and _takes(self.layer, "training"):
            kwargs["training"] = training
        return kwargs

    def call(self, inputs, training=None, mask=None):
        batch, steps = inputs.shape[0], inputs.shape[1]
        if mask is not None:
            mask = mask if isinstance(mask, Tensor) else Tensor(mask)
            mask_shape = tuple(mask.shape)
            if mask_shape[:2] != (batch, steps):
                raise ValueError("`TimeDistributed` Layer should be passed a `mask` of shape "
                                 f"({batch}, {steps}, ...), received: mask.shape={mask_shape}")
        if _foldable(self.layer):
            folded = ops.reshape(inputs, (batch * steps, *inputs.shape[2:]))
            folded_mask = None if mask is None else ops.reshape(mask, (batch * steps, *mask.shape[2:]))
            outputs = self.layer.call(folded, **self._inner_kwargs(training, folded_mask))
            return ops.reshape(outputs, (batch, steps, *outputs.shape[1:]))
        outputs = [self.layer.call(inputs[:, t], **self._inner_kwargs(
            training, None if mask is None else mask[:, t])) for t in range(steps)]
        return ops.stack(outputs, axis=1)
