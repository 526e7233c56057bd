"""LossScaleOptimizer.set_state refuses a non-scalar step counter or scale, naming which one."""

import numpy as np
import pytest

import shenjing.keras as keras


def test_bad_loss_scale_state_names_the_array():
    opt = keras.optimizers.LossScaleOptimizer(keras.optimizers.SGD(0.1))
    with pytest.raises(ValueError, match=r"expected state array 3 \(dynamic_scale\) of shape \(\)\. "
                                         r"Received: shape=\(2,\)"):
        opt.set_state([np.array(0), np.array(0.0), np.array(0), np.ones(2, "float32")])
