"""The base-class contract: applying gradients, clipping, learning rate, state, config, errors."""

import json
import warnings

import numpy as np
import pytest

import shenjing as sj
from shenjing import optimizers
from shenjing.optimizers import schedules


def var(values, name="w"):
    return sj.Variable(np.array(values, dtype=np.float64), name=name)


# -- applying gradients -------------------------------------------------------------
def test_step_skips_params_without_grad_and_counts_once():
    a, b = var([1.0, 2.0], "a"), var([3.0], "b")
    a.grad = np.array([1.0, 1.0])
    opt = optimizers.SGD(learning_rate=0.5)
    opt.step([a, b])
    np.testing.assert_allclose(a.data, [0.5, 1.5])
    np.testing.assert_allclose(b.data, [3.0])
    assert opt.iterations == 1


def test_step_with_no_gradients_is_a_no_op():
    a = var([1.0])
    opt = optimizers.Adam()
    opt.step([a])
    opt.step([])
    assert opt.iterations == 0
    np.testing.assert_allclose(a.data, [1.0])


def test_apply_gradients_pairs_and_tensor_grads():
    a, b = var([1.0, 2.0], "a"), var([3.0], "b")
    opt = optimizers.SGD(learning_rate=0.1)
    it = opt.apply_gradients([(np.array([1.0, -1.0]), a), (sj.Tensor(np.array([2.0])), b)])
    np.testing.assert_allclose(a.data, [0.9, 2.1])
    np.testing.assert_allclose(b.data, [2.8])
    assert it == 1 and opt.iterations == 1


def test_apply_gradients_skips_none_with_warning_and_rejects_all_none():
    a, b = var([1.0], "a"), var([3.0], "b")
    opt = optimizers.SGD(learning_rate=0.1)
    with pytest.warns(UserWarning, match="Gradients do not exist"):
        opt.apply_gradients([(np.array([1.0]), a), (None, b)])
    np.testing.assert_allclose(b.data, [3.0])
    with pytest.raises(ValueError, match="No gradients provided"):
        opt.apply_gradients([(None, a)])


def test_apply_keras3_and_prebuilt():
    a, b = var([1.0], "a"), var([3.0], "b")
    opt = optimizers.SGD(learning_rate=1.0)
    with pytest.raises(ValueError, match="build"):
        opt.apply([np.array([1.0])])
    opt.build([a, b])
    opt.apply([np.array([1.0]), np.array([2.0])])
    np.testing.assert_allclose([a.data[0], b.data[0]], [0.0, 1.0])
    opt.apply([np.array([1.0]), np.array([1.0])], [a, b])
    np.testing.assert_allclose([a.data[0], b.data[0]], [-1.0, 0.0])
    with pytest.raises(ValueError, match="2 gradients for 1 variables"):
        opt.apply([np.array([1.0]), np.array([1.0])], [a])


def test_gradient_shape_mismatch_is_reported_and_changes_nothing():
    a, k = var([1.0], "bias"), var([1.0, 2.0], "kernel")
    opt = optimizers.SGD(momentum=0.5)
    with pytest.raises(ValueError, match="kernel"):
        opt.apply_gradients([(np.array([1.0]), a), (np.array([1.0, 2.0, 3.0]), k)])
    assert opt.iterations == 0
    np.testing.assert_allclose(a.data, [1.0])
    np.testing.assert_allclose(k.data, [1.0, 2.0])


def test_gradient_dtype_is_cast_to_the_weight():
    a = sj.Variable(np.ones(2, dtype=np.float32), name="a")
    optimizers.Adam(learning_rate=0.1).apply_gradients([(np.array([1.0, 1.0]), a)])
    assert a.data.dtype == np.float32


def test_zero_grad():
    opt = optimizers.SGD()
    b = var([2.0])
    b.grad = np.array([1.0])
    opt.zero_grad([b])
    assert b.grad is None


def test_step_and_zero_grad_default_to_built_weights():
    a, b = var([1.0], "a"), var([2.0], "b")
    opt = optimizers.SGD(learning_rate=1.0)
    opt.build([a, b])
    a.grad, b.grad = np.array([1.0]), np.array([1.0])
    opt.step()
    np.testing.assert_allclose([a.data[0], b.data[0]], [0.0, 1.0])
    opt.zero_grad()
    assert a.grad is None and b.grad is None


# -- clipping ---------------------------------------------------------------------
def test_clipnorm_clips_each_gradient_and_leaves_grad_untouched():
    a, b = var([0.0, 0.0], "a"), var([0.0], "b")
    a.grad = np.array([3.0, 4.0])    # norm 5 -> clipped to norm 1
    b.grad = np.array([0.5])         # norm 0.5 -> unchanged
    opt = optimizers.SGD(learning_rate=1.0, clipnorm=1.0)
    opt.step([a, b])
    np.testing.assert_allclose(a.data, [-0.6, -0.8])
    np.testing.assert_allclose(b.data, [-0.5])
    np.testing.assert_allclose(a.grad, [3.0, 4.0])


def test_global_clipnorm_scales_all_gradients_together():
    a, b = var([0.0, 0.0], "a"), var([0.0], "b")
    a.grad = np.array([3.0, 4.0])
    b.grad = np.array([12.0])        # global norm 13
    opt = optimizers.SGD(learning_rate=1.0, global_clipnorm=2.0)
    opt.step([a, b])
    np.testing.assert_allclose(a.data, [-6 / 13, -8 / 13])
    np.testing.assert_allclose(b.data, [-24 / 13])
    np.testing.assert_allclose(b.grad, [12.0])


def test_global_clipnorm_below_threshold_is_identity():
    a = var([0.0, 0.0])
    a.grad = np.array([0.3, 0.4])
    optimizers.SGD(learning_rate=1.0, global_clipnorm=2.0).step([a])
    np.testing.assert_allclose(a.data, [-0.3, -0.4])


def test_clipvalue_clips_elementwise():
    a = var([0.0, 0.0, 0.0])
    a.grad = np.array([-3.0, 0.2, 7.0])
    optimizers.SGD(learning_rate=1.0, clipvalue=0.5).step([a])
    np.testing.assert_allclose(a.data, [0.5, -0.2, -0.5])
    np.testing.assert_allclose(a.grad, [-3.0, 0.2, 7.0])


def test_only_one_clip_argument():
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.Adam(clipnorm=1.0, clipvalue=1.0)
    with pytest.raises(ValueError, match="Only one of"):
        optimizers.SGD(clipnorm=1.0, global_clipnorm=1.0)


def test_clipping_feeds_the_adam_update():
    a = var([0.0])
    opt = optimizers.Adam(learning_rate=0.1, clipvalue=1.0)
    for g in (30.0, 0.5):
        a.grad = np.array([g])
        opt.step([a])
    # the Adam formula run on the clipped gradients 1.0 then 0.5
    m = v = w = 0.0
    for t, g in enumerate((1.0, 0.5), start=1):
        m = 0.9 * m + 0.1 * g
        v = 0.999 * v + 0.001 * g * g
        w -= 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t) * m / (np.sqrt(v) + 1e-7)
    np.testing.assert_allclose(a.data, [w], rtol=1e-12)


def test_loss_scale_factor_unscales_gradients():
    a = var([0.0])
    a.grad = np.array([8.0])
    optimizers.SGD(learning_rate=1.0, loss_scale_factor=4.0).step([a])
    np.testing.assert_allclose(a.data, [-2.0])


# -- learning rate --------------------------------------------------------------------
def test_legacy_lr_keyword():
    opt = optimizers.SGD(lr=0.3)
    assert opt.learning_rate == 0.3
    assert optimizers.Adam(lr=0.02).get_config()["learning_rate"] == 0.02


def test_learning_rate_setter():
    a = var([1.0])
    opt = optimizers.SGD(learning_rate=0.1)
    opt.learning_rate = 0.5
    assert opt.learning_rate == 0.5
    a.grad = np.array([1.0])
    opt.step([a])
    np.testing.assert_allclose(a.data, [0.5])
    with pytest.raises(ValueError, match="learning_rate"):
        opt.learning_rate = "fast"


def test_schedule_learning_rate_follows_iterations():
    sched = schedules.ExponentialDecay(1.0, decay_steps=1, decay_rate=0.5)
    opt = optimizers.SGD(learning_rate=sched)
    a = var([0.0])
    seen = []
    for _ in range(3):
        seen.append(opt.learning_rate)
        a.grad = np.array([1.0])
        opt.step([a])
    assert seen == [1.0, 0.5, 0.25]
    np.testing.assert_allclose(a.data, [-1.75])
    with pytest.raises(TypeError, match="not settable"):
        opt.learning_rate = 0.1
    opt.learning_rate = schedules.ExponentialDecay(2.0, 1, 1.0)  # a schedule may replace a schedule
    assert opt.learning_rate == 2.0


def test_callable_learning_rate():
    opt = optimizers.SGD(learning_rate=lambda: 0.25)
    assert opt.learning_rate == 0.25


# -- state --------------------------------------------------------------------------------
GRADS = [np.array([0.1, -0.2, 0.3]), np.array([0.4, 0.1, -0.5]), np.array([-0.3, 0.2, 0.05]),
         np.array([1.0, -1.0, 0.5]), np.array([0.2, 0.2, 0.2])]


def make(cls_name):
    return {
        "sgd": lambda: optimizers.SGD(learning_rate=0.1, momentum=0.9),
        "adam": lambda: optimizers.Adam(learning_rate=0.1, amsgrad=True),
        "adamw": lambda: optimizers.AdamW(learning_rate=0.1),
        "rmsprop": lambda: optimizers.RMSprop(learning_rate=0.1, momentum=0.5, centered=True),
        "adagrad": lambda: optimizers.Adagrad(learning_rate=0.1),
        "adadelta": lambda: optimizers.Adadelta(learning_rate=1.0),
        "adamax": lambda: optimizers.Adamax(learning_rate=0.1),
        "nadam": lambda: optimizers.Nadam(learning_rate=0.1),
    }[cls_name]()


@pytest.mark.parametrize("name", ["sgd", "adam", "adamw", "rmsprop", "adagrad", "adadelta",
                                  "adamax", "nadam"])
def test_state_round_trip_continues_identically(name):
    w_ref, b_ref = var([1.0, -2.0, 0.5], "w"), var([0.3, 0.1, -0.1], "b")
    ref = make(name)
    for g in GRADS:
        w_ref.grad, b_ref.grad = g, -g
        ref.step([w_ref, b_ref])

    w, b = var([1.0, -2.0, 0.5], "w"), var([0.3, 0.1, -0.1], "b")
    first = make(name)
    for g in GRADS[:2]:
        w.grad, b.grad = g, -g
        first.step([w, b])
    state = first.get_state()
    store = {}
    first.save_own_variables(store)

    for restore in ("set_state", "load_own_variables"):
        w2, b2 = var(w.data, "w"), var(b.data, "b")
        second = make(name)
        second.build([w2, b2])
        if restore == "set_state":
            second.set_state(state)
        else:
            second.load_own_variables(store)
        assert second.iterations == 2
        for g in GRADS[2:]:
            w2.grad, b2.grad = g, -g
            second.step([w2, b2])
        np.testing.assert_allclose(w2.data, w_ref.data, rtol=0, atol=0)
        np.testing.assert_allclose(b2.data, b_ref.data, rtol=0, atol=0)


def test_variables_order_is_keras_order():
    w, b = var([1.0, 2.0], "w"), var([3.0], "b")
    opt = optimizers.Adam(learning_rate=0.5)
    opt.build([w, b])
    vs = opt.variables
    # iterations, learning_rate, then Keras's build order: momentum(w), velocity(w),
    # momentum(b), velocity(b)
    assert [v.shape for v in vs] == [(), (), (2,), (2,), (1,), (1,)]
    assert vs[0].dtype == np.int64 and vs[1] == np.float32(0.5)
    w.grad, b.grad = np.array([1.0, 1.0]), np.array([2.0])
    opt.step([w, b])
    vs = opt.variables
    assert int(vs[0]) == 1
    np.testing.assert_allclose(vs[4], [0.2])      # m_b = 0.1 * g_b
    np.testing.assert_allclose(vs[5], [0.004])    # v_b = 0.001 * g_b**2
    # a schedule is not state
    scheduled = optimizers.Adam(learning_rate=schedules.ExponentialDecay(0.1, 10, 0.9))
    assert len(scheduled.variables) == 1


def test_set_state_checks_count_and_shapes():
    w = var([1.0, 2.0])
    opt = optimizers.Adam()
    opt.build([w])
    state = opt.get_state()
    with pytest.raises(ValueError, match="has 4 state arrays"):
        opt.set_state(state[:3])
    state[2] = np.zeros(3)
    with pytest.raises(ValueError, match=r"shape \(2,\)"):
        opt.set_state(state)


def test_load_own_variables_count_mismatch_warns_like_keras():
    opt = optimizers.Adam()
    with pytest.warns(UserWarning, match="not been called/built"):
        opt.load_own_variables({"0": np.array(3), "1": np.array(0.1), "2": np.zeros(2)})
    assert opt.iterations == 0


# -- EMA and gradient accumulation ---------------------------------------------------------
def test_ema_overwrite_and_finalize():
    w = var([0.0])
    opt = optimizers.SGD(learning_rate=1.0, use_ema=True, ema_momentum=0.5)
    values = []
    for _ in range(3):
        w.grad = np.array([-1.0])
        opt.step([w])
        values.append(w.data[0])
    assert values == [1.0, 2.0, 3.0]
    # average: step0 -> 1 (momentum 0 on the first step), then 0.5*1+0.5*2, 0.5*1.5+0.5*3
    opt.finalize_variable_values([w])
    np.testing.assert_allclose(w.data, [2.25])


def test_gradient_accumulation_averages_then_updates():
    w = var([0.0])
    opt = optimizers.SGD(learning_rate=1.0, gradient_accumulation_steps=2)
    for g, expected in ((1.0, 0.0), (3.0, -2.0), (2.0, -2.0), (2.0, -4.0)):
        w.grad = np.array([g])
        opt.step([w])
        np.testing.assert_allclose(w.data, [expected])
    assert opt.iterations == 2
    with pytest.raises(ValueError, match="gradient_accumulation_steps"):
        optimizers.SGD(gradient_accumulation_steps=1)


# -- config and registry ----------------------------------------------------------------------
@pytest.mark.parametrize("opt", [
    optimizers.SGD(learning_rate=0.2, momentum=0.5, nesterov=True, clipnorm=1.0),
    optimizers.Adam(learning_rate=0.003, beta_1=0.8, amsgrad=True, weight_decay=0.01),
    optimizers.AdamW(weight_decay=0.1, global_clipnorm=2.0),
    optimizers.RMSprop(rho=0.8, momentum=0.1, centered=True, clipvalue=0.5),
    optimizers.Adagrad(initial_accumulator_value=0.2),
    optimizers.Adadelta(rho=0.9), optimizers.Adamax(beta_2=0.9), optimizers.Nadam(epsilon=1e-5),
    optimizers.Adam(learning_rate=schedules.CosineDecay(0.1, 100, warmup_target=1.0,
                                                        warmup_steps=5)),
])
def test_serialize_deserialize_round_trip(opt):
    data = json.loads(json.dumps(optimizers.serialize(opt)))
    assert data["module"] == "keras.optimizers"
    assert data["class_name"] == type(opt).__name__
    assert data["registered_name"] is None
    again = optimizers.deserialize(data)
    assert type(again) is type(opt)
    assert again.get_config() == opt.get_config()
    again2 = optimizers.get(data)
    assert again2.get_config() == opt.get_config()
    clone = type(opt).from_config(opt.get_config())
    assert clone.get_config() == opt.get_config()


def test_schedule_in_config_is_keras_dict():
    lr = schedules.ExponentialDecay(0.1, 1000, 0.96, staircase=True)
    config = optimizers.SGD(learning_rate=lr).get_config()
    assert config["learning_rate"] == {
        "module": "keras.optimizers.schedules", "class_name": "ExponentialDecay",
        "config": {"initial_learning_rate": 0.1, "decay_steps": 1000, "decay_rate": 0.96,
                   "staircase": True, "name": "ExponentialDecay"},
        "registered_name": None}
    assert optimizers.SGD.from_config(config).learning_rate == 0.1


def test_keras_config_with_legacy_keys_loads():
    config = {"class_name": "Adam", "config": {"name": "Adam", "learning_rate": 0.001,
                                               "is_legacy_optimizer": False, "jit_compile": True,
                                               "beta_1": 0.9}}
    assert isinstance(optimizers.get(config), optimizers.Adam)


@pytest.mark.parametrize("name, cls", [
    ("sgd", optimizers.SGD), ("SGD", optimizers.SGD), ("adam", optimizers.Adam),
    ("Adam", optimizers.Adam), ("adamw", optimizers.AdamW), ("AdamW", optimizers.AdamW),
    ("rmsprop", optimizers.RMSprop), ("RMSprop", optimizers.RMSprop),
    ("adagrad", optimizers.Adagrad), ("adadelta", optimizers.Adadelta),
    ("adamax", optimizers.Adamax), ("nadam", optimizers.Nadam),
])
def test_get_by_name(name, cls):
    opt = optimizers.get(name)
    assert type(opt) is cls


def test_get_defaults_and_names_match_keras():
    assert optimizers.get("sgd").learning_rate == 0.01
    assert optimizers.get("adam").learning_rate == 0.001
    assert optimizers.get("adam").epsilon == 1e-7
    assert [optimizers.get(n).name for n in ("sgd", "adam", "adamw", "rmsprop")] == \
        ["sgd", "adam", "adam_w", "rm_sprop"]


def test_get_passes_instances_and_none_through():
    opt = optimizers.Adam()
    assert optimizers.get(opt) is opt
    assert optimizers.get(None) is None


def test_get_unknown_lists_valid_names():
    with pytest.raises(ValueError, match="Unknown optimizer: 'adamm'.*'adam'"):
        optimizers.get("adamm")
    with pytest.raises(ValueError, match="Could not interpret"):
        optimizers.get(3)


# -- argument errors -----------------------------------------------------------------------------
def test_unknown_keyword_rejected():
    with pytest.raises(ValueError, match="Received: momentun=0.9"):
        optimizers.SGD(momentun=0.9)


def test_sgd_momentum_range():
    for bad in (-0.1, 1.5, "0.9"):
        with pytest.raises(ValueError, match="momentum"):
            optimizers.SGD(momentum=bad)


def test_bad_learning_rate_type():
    with pytest.raises(ValueError, match="Received instead: learning_rate='0.1'"):
        optimizers.Adam(learning_rate="0.1")


def test_adamw_requires_weight_decay():
    with pytest.raises(ValueError, match="weight_decay=None"):
        optimizers.AdamW(weight_decay=None)


def test_decay_keyword_warns_and_is_ignored():
    with pytest.warns(UserWarning, match="decay"):
        optimizers.SGD(decay=0.1)


def test_negative_initial_accumulator():
    with pytest.raises(ValueError, match="initial_accumulator_value"):
        optimizers.Adagrad(initial_accumulator_value=-1.0)
