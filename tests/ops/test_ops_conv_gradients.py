"""Gradient checks of the convolution family: N-d and grouped conv, depthwise, separable,
transposed convolution, 3-D pooling, upsampling (backprop against float64 central differences).

Same conventions as tests/autograd/test_autograd_op_gradients.py: ``CASES``, ``COVERED``
(the op names checked here), ``NO_GRADIENT`` (none in this family).
"""

import numpy as np
import pytest

from op_harness import harness_tests
from shenjing.autograd.ops.resample import upsample_linear, upsample_nearest
from shenjing.ops import nn_conv

_R = np.random.default_rng(4321)
CASES = []
COVERED = set()
NO_GRADIENT = set()


def case(op, case_id, fn, *inputs, **tolerance):
    COVERED.add(op)
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{op}-{case_id}"))


def randn(*shape):
    return _R.standard_normal(shape)


def distinct(*shape):
    """No two values tie (max pooling's routing is stable under eps)."""
    n = int(np.prod(shape))
    return ((_R.permutation(n) - n / 2) * 0.25 + 0.01).reshape(shape)


# -- conv: 3-D, grouped, channels_first ------------------------------------------------
for _pad in ("valid", "same"):
    case("conv", f"3d-k2-{_pad}", lambda x, k, _p=_pad: nn_conv.conv(x, k, padding=_p),
         randn(1, 3, 4, 3, 2), randn(2, 2, 2, 2, 3))
    case("conv", f"3d-s2-{_pad}", lambda x, k, _p=_pad: nn_conv.conv(x, k, strides=2, padding=_p),
         randn(2, 5, 4, 3, 1), randn(3, 2, 2, 1, 2))
    case("conv", f"2d-groups2-{_pad}", lambda x, k, _p=_pad: nn_conv.conv(x, k, padding=_p),
         randn(2, 4, 5, 4), randn(3, 2, 2, 6))
    case("conv", f"1d-groups3-{_pad}", lambda x, k, _p=_pad: nn_conv.conv(x, k, strides=2, padding=_p),
         randn(2, 7, 3), randn(3, 1, 6))
case("conv", "3d-dilation2", lambda x, k: nn_conv.conv(x, k, dilation_rate=(2, 1, 2), padding="same"),
     randn(1, 5, 3, 5, 2), randn(2, 2, 2, 2, 2))
case("conv", "2d-channels-first", lambda x, k: nn_conv.conv(x, k, strides=2, data_format="channels_first"),
     randn(2, 3, 5, 6), randn(3, 2, 3, 2))
case("conv", "2d-groups-bias-relu",
     lambda x, k, b: nn_conv.conv(x, k, padding="same", bias=b, activation="relu"),
     randn(1, 4, 4, 4), randn(2, 2, 2, 4), randn(4))

# -- depthwise and separable -------------------------------------------------------------
for _pad in ("valid", "same"):
    case("depthwise_conv", f"2d-m2-{_pad}", lambda x, k, _p=_pad: nn_conv.depthwise_conv(x, k, padding=_p),
         randn(2, 5, 4, 3), randn(3, 2, 3, 2))
    case("depthwise_conv", f"1d-s2-{_pad}",
         lambda x, k, _p=_pad: nn_conv.depthwise_conv(x, k, strides=2, padding=_p), randn(2, 7, 2), randn(3, 2, 1))
    case("separable_conv", f"2d-{_pad}",
         lambda x, d, p, _p=_pad: nn_conv.separable_conv(x, d, p, padding=_p),
         randn(2, 4, 5, 2), randn(2, 3, 2, 2), randn(1, 1, 4, 3))
case("depthwise_conv", "2d-channels-first-dilation",
     lambda x, k: nn_conv.depthwise_conv(x, k, dilation_rate=2, data_format="channels_first"),
     randn(1, 2, 6, 5), randn(2, 2, 2, 1))
case("separable_conv", "1d-s2", lambda x, d, p: nn_conv.separable_conv(x, d, p, strides=2),
     randn(2, 8, 3), randn(3, 3, 1), randn(1, 3, 2))

# -- transposed convolution --------------------------------------------------------------
for _pad in ("valid", "same"):
    for _s in (1, 2, 3):
        case("conv_transpose", f"2d-k3-s{_s}-{_pad}",
             lambda x, k, _s=_s, _p=_pad: nn_conv.conv_transpose(x, k, strides=_s, padding=_p),
             randn(2, 3, 4, 2), randn(3, 3, 3, 2))
    case("conv_transpose", f"1d-k4-s2-{_pad}",
         lambda x, k, _p=_pad: nn_conv.conv_transpose(x, k, strides=2, padding=_p), randn(2, 5, 3), randn(4, 2, 3))
    case("conv_transpose", f"3d-k2-s2-{_pad}",
         lambda x, k, _p=_pad: nn_conv.conv_transpose(x, k, strides=2, padding=_p),
         randn(1, 2, 3, 2, 2), randn(2, 3, 2, 2, 2))
    case("conv_transpose", f"2d-output-padding-{_pad}",
         lambda x, k, _p=_pad: nn_conv.conv_transpose(x, k, strides=3, padding=_p, output_padding=(1, 2)),
         randn(1, 3, 2, 2), randn(3, 2, 2, 2))
case("conv_transpose", "2d-dilation2-same",
     lambda x, k: nn_conv.conv_transpose(x, k, padding="same", dilation_rate=2), randn(1, 4, 4, 2), randn(3, 3, 2, 2))
case("conv_transpose", "2d-k1-s1", lambda x, k: nn_conv.conv_transpose(x, k), randn(2, 3, 3, 2), randn(1, 1, 3, 2))
case("conv_transpose", "2d-channels-first-bias",
     lambda x, k, b: nn_conv.conv_transpose(x, k, 2, "same", data_format="channels_first", bias=b),
     randn(2, 2, 3, 3), randn(4, 4, 3, 2), randn(3))

# -- 3-D pooling and channels_first pooling ---------------------------------------------
for _fn_name in ("max_pool", "average_pool"):
    _fn = getattr(nn_conv, _fn_name)
    for _id, _kw in [("p2", dict(pool_size=2)),
                     ("p3-s1-overlap", dict(pool_size=3, strides=1)),
                     ("p2-s1-same", dict(pool_size=2, strides=1, padding="same")),
                     ("p3-s2-same", dict(pool_size=(3, 2, 3), strides=2, padding="same"))]:
        case(_fn_name, f"3d-{_id}", lambda x, _fn=_fn, _kw=_kw: _fn(x, **_kw), distinct(2, 4, 5, 4, 2))
    case(_fn_name, "2d-channels-first-same",
         lambda x, _fn=_fn: _fn(x, 3, 2, "same", "channels_first"), distinct(2, 2, 5, 4))
    case(_fn_name, "1d-channels-first", lambda x, _fn=_fn: _fn(x, 2, data_format="channels_first"), distinct(2, 3, 6))

# -- upsampling --------------------------------------------------------------------------
case("upsample_nearest", "1d", lambda x: upsample_nearest(x, 3), randn(2, 4, 3))
case("upsample_nearest", "2d", lambda x: upsample_nearest(x, (2, 3)), randn(2, 3, 2, 2))
case("upsample_nearest", "3d", lambda x: upsample_nearest(x, (1, 2, 2)), randn(1, 2, 2, 3, 2))
case("upsample_linear", "2d", lambda x: upsample_linear(x, (2, 3)), randn(2, 3, 4, 2))
case("upsample_linear", "2d-one-pixel", lambda x: upsample_linear(x, 2), randn(1, 1, 3, 2))


# -- the tests: the shared harness (op_harness.py) over this module's CASES --------------
(test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
 test_ops_change_neither_inputs_nor_gradients_nor_saved_values) = harness_tests(CASES)
