"""layer(x, training=...) with x the one tensor: the mask argument is filled without binding
call's signature (a bind costs ~5 us on every call of BatchNormalization, Softmax, RNNs)."""

import numpy as np

from shenjing.autograd import Tensor
from shenjing.layers import Layer, masking_utils


class _Echo(Layer):
    def call(self, inputs, training=None, mask=None):
        self.seen = mask
        return inputs


class _NoBind:
    def bind(self, *args, **kwargs):
        raise AssertionError("the signature was bound")


def test_single_tensor_call_fills_mask_without_binding():
    layer = _Echo()
    mask = np.array([[True, False]])
    x = Tensor(np.ones((1, 2, 3), np.float32))
    x._keras_mask = mask
    layer._call_mask_spec.signature = _NoBind()
    kwargs = {"training": True}
    assert masking_utils.populate_masks(layer, x, (), kwargs) is mask
    assert kwargs["mask"] is mask
    out = layer(x, training=False)
    assert layer.seen is mask and out._keras_mask is mask
    layer(Tensor(np.ones((1, 2, 3), np.float32)))
    assert layer.seen is None


def test_explicit_mask_or_second_tensor_still_take_the_full_path():
    layer = _Echo()
    x = Tensor(np.ones((1, 2, 3), np.float32))
    x._keras_mask = np.array([[True, False]])
    given = np.array([[False, True]])
    layer(x, mask=given)
    assert layer.seen is given
    kwargs = {"training": Tensor(np.ones((1, 2, 3), np.float32))}  # a second tensor argument
    masking_utils.populate_masks(layer, x, (), kwargs)
    assert "mask" not in kwargs  # Keras fills ``mask`` only when one tensor argument is passed
