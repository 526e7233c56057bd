"""Sum, Mean, MeanMetricWrapper: values, sample weights, accumulation, reset, state."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import metrics


def test_sum_and_weighted_sum():
    m = metrics.Sum()
    m.update_state([1, 3, 5, 7])
    assert m.result() == 16.0
    m.reset_state()
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == 4.0
    assert isinstance(m.result(), float)


def test_mean_weighted_and_accumulated_then_reset():
    m = metrics.Mean()
    m.update_state([1, 3, 5, 7])
    assert m.result() == 4.0
    m.update_state([10.0])
    assert m.result() == pytest.approx(26 / 5)
    m.reset_state()
    assert m.result() == 0.0
    m.update_state([1, 3, 5, 7], sample_weight=[1, 1, 0, 0])
    assert m.result() == 2.0


def test_mean_of_scalars_as_loss_tracker():
    loss = metrics.Mean(name="loss")
    loss.update_state(2.0, sample_weight=32)
    loss.update_state(1.0, sample_weight=16)
    assert loss.result() == pytest.approx((2 * 32 + 16) / 48)
    loss.update_state(sj.Tensor(np.float32(4.0)))
    assert loss.result() == pytest.approx((2 * 32 + 16 + 4) / 49)


def test_mean_reduces_extra_axes_and_per_element_weights():
    m = metrics.Mean()
    values = np.array([[1.0, 3.0], [5.0, 7.0]])
    m.update_state(values)  # per-sample means 2 and 6
    assert m.result() == 4.0
    m.reset_state()
    m.update_state(values, sample_weight=[[1, 0], [1, 1]])
    # weighted values [[1, 0], [5, 7]] -> per-sample means [0.5, 6];
    # weights -> per-sample means [0.5, 1]; total / count = 6.5 / 1.5
    assert m.result() == pytest.approx(6.5 / 1.5)


def test_bad_sample_weight_shape_names_metric():
    m = metrics.Mean(name="my_mean")
    with pytest.raises(ValueError, match="my_mean"):
        m.update_state([1.0, 2.0, 3.0], sample_weight=[1.0, 2.0])


def test_variables_are_state_arrays_updated_in_place():
    m = metrics.Mean()
    total, count = m.variables
    assert m.variable_names == ["total", "count"]
    assert total.dtype == np.float32 and m.dtype == "float32"
    m.update_state([2.0, 4.0])
    assert float(total) == 6.0 and float(count) == 2.0
    m2 = metrics.Mean()
    m2.assign_variables([v.copy() for v in m.variables])
    assert m2.result() == 3.0
    with pytest.raises(ValueError, match="expected 2 state arrays"):
        m2.assign_variables([np.zeros(())])
    with pytest.raises(ValueError, match="shape"):
        m2.assign_variables([np.zeros(3), np.zeros(())])


def test_mean_metric_wrapper_named_after_function_and_passes_kwargs():
    def scaled_error(y_true, y_pred, scale=1.0):
        return scale * np.abs(y_true - y_pred)

    m = metrics.MeanMetricWrapper(scaled_error, scale=2.0)
    assert m.name == "scaled_error"
    assert m([1.0, 2.0], [2.0, 4.0]) == pytest.approx(3.0)
    assert m.get_config()["scale"] == 2.0


def test_call_updates_and_returns_result():
    m = metrics.Mean()
    assert m([1.0, 2.0]) == 1.5
    assert m([3.0]) == 2.0


def test_metric_state_stays_the_state_through_in_place_updates_copies_and_pickles():
    import copy
    import pickle

    import shenjing

    m = shenjing.metrics.TruePositives()
    m.update_state([1, 1, 0], [1, 1, 1])
    assert m.accumulator is m.variables[0]  # `+=` in update_state keeps the attribute bound
    p = shenjing.metrics.Precision()
    p.update_state([1, 0, 1], [1, 1, 1])
    assert p.true_positives is p.variables[0]
    for clone in (copy.deepcopy(m), pickle.loads(pickle.dumps(m))):
        assert clone.accumulator is clone.variables[0]
        clone.reset_state()
        clone.update_state([1], [1])
        assert float(clone.result()) == 1.0
    for clone in (copy.deepcopy(p), pickle.loads(pickle.dumps(p))):
        clone.reset_state()
        clone.update_state([1], [1])
        assert float(clone.result()) == 1.0
    assert float(m.result()) == 2.0
