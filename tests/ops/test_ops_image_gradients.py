"""Gradient checks for ``keras.ops.image`` (the harness of tests/autograd/test_autograd_op_gradients.py).

Every image op is differentiable in its images (resampling weights and coordinates are
constants). Values against Keras: tests/keras_diff/test_diff_ops_misc.py.
"""

import numpy as np
import pytest

from op_harness import harness_tests
from shenjing import ops

_R = np.random.default_rng(7)
CASES = []
COVERED = set()
NO_GRADIENT = set()


def case(op, case_id, fn, *inputs, **tolerance):
    COVERED.add(op)
    CASES.append(pytest.param(fn, inputs, tolerance, id=f"{op}-{case_id}"))


def randn(*shape):
    return _R.standard_normal(shape)


def distinct01(*shape):
    """Values in (0, 1) at least 0.02 apart: no ties between channels (rgb_to_hsv's max/min)."""
    n = int(np.prod(shape))
    return ((_R.permutation(n) + 0.5) / n * 0.9 + 0.05).reshape(shape)


img = ops.image
for _interp in ("nearest", "bilinear", "bicubic", "lanczos3"):
    case("resize", f"{_interp}-up", lambda x, _i=_interp: img.resize(x, (5, 4), interpolation=_i), randn(1, 3, 2, 2))
    case("resize", f"{_interp}-down-antialias",
         lambda x, _i=_interp: img.resize(x, (2, 3), interpolation=_i, antialias=True), randn(1, 4, 5, 1))
case("resize", "channels-first-crop", lambda x: img.resize(x, (3, 3), crop_to_aspect_ratio=True,
                                                         data_format="channels_first"), randn(2, 3, 5))
case("resize", "pad", lambda x: img.resize(x, (4, 4), pad_to_aspect_ratio=True, fill_value=1.0), randn(2, 4, 1))
_COORDS = _R.uniform(-1, 5, (2, 3, 4)).round(3)
case("map_coordinates", "linear-constant", lambda x: img.map_coordinates(x, _COORDS, 1, "constant", 0.5), randn(4, 5))
for _mode in ("nearest", "wrap", "mirror", "reflect"):
    case("map_coordinates", f"linear-{_mode}",
         lambda x, _m=_mode: img.map_coordinates(x, np.array([[-1.3, 0.4, 4.6], [5.2, 2.5, -0.7]]), 1, _m), randn(3, 4))
case("map_coordinates", "nearest", lambda x: img.map_coordinates(x, np.array([[0.2, 2.6], [1.4, 0.1]]), 0), randn(3, 3))
case("affine_transform", "bilinear", lambda x: img.affine_transform(x, [1.1, 0.2, -0.3, -0.15, 0.9, 0.4, 0, 0]),
     randn(1, 4, 3, 2))
case("affine_transform", "nearest-reflect-cf",
     lambda x: img.affine_transform(x, [0.9, 0.1, 0.3, 0.05, 1.1, -0.2, 0, 0], "nearest", "reflect",
                                    data_format="channels_first"), randn(1, 3, 4))
case("affine_transform", "channel-terms-batch2",  # c0, c1 != 0 (one gather per image), 2 transforms
     lambda x: img.affine_transform(x, [[1.0, 0.1, -0.5, 0.05, 0.9, 0.3, 0.6, -0.4],
                                        [0.9, 0.0, 0.2, 0.1, 1.1, -0.3, -0.3, 0.5]], fill_mode="reflect"),
     randn(2, 4, 3, 2))
case("affine_transform", "spatial-batch2", lambda x: img.affine_transform(
    x, [[1.1, 0.2, -0.3, -0.15, 0.9, 0.4, 0, 0], [0.8, -0.1, 0.5, 0.2, 1.0, -0.6, 0, 0]], fill_mode="wrap"),
     randn(2, 3, 4, 1))
case("pad_images", "batch", lambda x: img.pad_images(x, 1, 0, 2, target_width=4), randn(1, 2, 3, 2))
case("crop_images", "single-cf", lambda x: img.crop_images(x, 1, 1, target_height=2, right_cropping=0,
                                                           data_format="channels_first"), randn(2, 4, 4))
case("rgb_to_grayscale", "batch", img.rgb_to_grayscale, randn(2, 2, 3, 3))
case("rgb_to_grayscale", "channels-first", lambda x: img.rgb_to_grayscale(x, data_format="channels_first"), randn(3, 2, 2))
case("rgb_to_hsv", "batch", img.rgb_to_hsv, distinct01(2, 2, 2, 3))
case("hsv_to_rgb", "batch", img.hsv_to_rgb, np.array([[[0.05, 0.5, 0.7], [0.3, 0.2, 0.9]], [[0.55, 0.8, 0.4], [0.9, 0.6, 0.3]]]))
case("extract_patches", "valid", lambda x: img.extract_patches(x, 2), randn(1, 4, 4, 2))
case("extract_patches", "same-dilated-cf", lambda x: img.extract_patches(x, (2, 2), strides=1, dilation_rate=2,
                                                                         padding="same", data_format="channels_first"),
     randn(2, 4, 3))


# -- the tests: the shared harness (op_harness.py) over this module's CASES --------------
(test_gradcheck, test_float32_gradients_keep_dtype_and_match_float64,
 test_ops_change_neither_inputs_nor_gradients_nor_saved_values) = harness_tests(CASES)
