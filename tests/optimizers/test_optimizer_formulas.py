"""Golden values: the first three steps of every optimizer against the published formulas.

Each reference below is written out by hand in plain NumPy (float64) from the
formula in Keras 3's docs/source, independently of shenjing's implementation.
"""

import math

import numpy as np
import pytest

import shenjing as sj
from shenjing import optimizers

W0 = np.array([1.0, -2.0, 0.5, 3.0])
GRADS = [np.array([0.1, -0.2, 0.3, 0.0]),
         np.array([0.4, 0.1, -0.5, 1.5]),
         np.array([-0.3, 0.2, 0.05, -2.0])]


def run(opt, steps=3, w0=W0, grads=GRADS):
    """Weights after each step, driving ``opt.step`` through a Variable's ``.grad``."""
    w = sj.Variable(w0.copy(), name="w")
    out = []
    for g in grads[:steps]:
        w.grad = g.copy()
        opt.step([w])
        out.append(w.data.copy())
    return out


def reference(update, state, w0=W0, grads=GRADS):
    w = w0.copy()
    out = []
    for t, g in enumerate(grads, start=1):
        w = update(w, g, state, t)
        out.append(w.copy())
    return out


def check(opt, update, state=None):
    got = run(opt)
    want = reference(update, {} if state is None else state)
    for step, (a, b) in enumerate(zip(got, want), start=1):
        np.testing.assert_allclose(a, b, rtol=1e-12, atol=1e-14, err_msg=f"step {step}")
    assert opt.iterations == 3


# -- SGD ------------------------------------------------------------------------
def test_sgd_plain():
    def update(w, g, s, t):
        return w - 0.1 * g
    check(optimizers.SGD(learning_rate=0.1), update)


def test_sgd_momentum():
    def update(w, g, s, t):
        s["v"] = 0.9 * s.get("v", 0.0) - 0.1 * g
        return w + s["v"]
    check(optimizers.SGD(learning_rate=0.1, momentum=0.9), update)


def test_sgd_nesterov():
    def update(w, g, s, t):
        s["v"] = 0.8 * s.get("v", 0.0) - 0.05 * g
        return w + 0.8 * s["v"] - 0.05 * g
    check(optimizers.SGD(learning_rate=0.05, momentum=0.8, nesterov=True), update)


# -- Adam family -------------------------------------------------------------------
def adam_update(lr, b1, b2, eps, amsgrad=False, wd=None):
    def update(w, g, s, t):
        if wd is not None:
            w = w - w * wd * lr
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g ** 2
        v = s["v"]
        if amsgrad:
            s["vhat"] = np.maximum(s.get("vhat", 0.0), s["v"])
            v = s["vhat"]
        alpha = lr * math.sqrt(1 - b2 ** t) / (1 - b1 ** t)
        return w - alpha * s["m"] / (np.sqrt(v) + eps)
    return update


def test_adam_defaults_formula():
    check(optimizers.Adam(), adam_update(0.001, 0.9, 0.999, 1e-7))


def test_adam_custom():
    check(optimizers.Adam(learning_rate=0.1, beta_1=0.8, beta_2=0.99, epsilon=1e-3),
          adam_update(0.1, 0.8, 0.99, 1e-3))


def test_adam_amsgrad():
    # The gradient on the last coordinate shrinks then grows: v_hat differs from v.
    check(optimizers.Adam(learning_rate=0.1, beta_2=0.5, amsgrad=True),
          adam_update(0.1, 0.9, 0.5, 1e-7, amsgrad=True))


def test_adamw_decoupled_weight_decay():
    check(optimizers.AdamW(learning_rate=0.1, weight_decay=0.2),
          adam_update(0.1, 0.9, 0.999, 1e-7, wd=0.2))


def test_adamw_default_weight_decay_is_keras_value():
    opt = optimizers.AdamW()
    assert opt.weight_decay == 0.004
    check(opt, adam_update(0.001, 0.9, 0.999, 1e-7, wd=0.004))


def test_adamax():
    def update(w, g, s, t):
        s["m"] = 0.9 * s.get("m", 0.0) + 0.1 * g
        s["u"] = np.maximum(0.999 * s.get("u", 0.0), np.abs(g))
        return w - 0.1 / (1 - 0.9 ** t) * s["m"] / (s["u"] + 1e-7)
    check(optimizers.Adamax(learning_rate=0.1), update)


def test_nadam():
    b1, b2, lr, eps = 0.9, 0.999, 0.1, 1e-7

    def update(w, g, s, t):
        mu = lambda k: b1 * (1 - 0.5 * 0.96 ** k)  # noqa: E731
        s["prod"] = s.get("prod", 1.0) * mu(t)
        s["m"] = b1 * s.get("m", 0.0) + (1 - b1) * g
        s["v"] = b2 * s.get("v", 0.0) + (1 - b2) * g ** 2
        m_hat = mu(t + 1) * s["m"] / (1 - s["prod"] * mu(t + 1)) + (1 - mu(t)) * g / (1 - s["prod"])
        v_hat = s["v"] / (1 - b2 ** t)
        return w - lr * m_hat / (np.sqrt(v_hat) + eps)
    check(optimizers.Nadam(learning_rate=lr), update)


# -- RMSprop -------------------------------------------------------------------------
def rmsprop_update(lr, rho, eps, momentum=0.0, centered=False):
    def update(w, g, s, t):
        s["v"] = rho * s.get("v", 0.0) + (1 - rho) * g ** 2
        if centered:
            s["mg"] = rho * s.get("mg", 0.0) + (1 - rho) * g
            denom = s["v"] - s["mg"] ** 2 + eps
        else:
            denom = s["v"] + eps
        inc = lr * g / np.sqrt(denom)
        if momentum > 0:
            s["mom"] = momentum * s.get("mom", 0.0) + inc
            return w - s["mom"]
        return w - inc
    return update


def test_rmsprop():
    check(optimizers.RMSprop(learning_rate=0.1), rmsprop_update(0.1, 0.9, 1e-7))


def test_rmsprop_centered():
    check(optimizers.RMSprop(learning_rate=0.1, rho=0.8, centered=True),
          rmsprop_update(0.1, 0.8, 1e-7, centered=True))


def test_rmsprop_momentum():
    check(optimizers.RMSprop(learning_rate=0.1, momentum=0.5),
          rmsprop_update(0.1, 0.9, 1e-7, momentum=0.5))


def test_rmsprop_centered_momentum():
    check(optimizers.RMSprop(learning_rate=0.01, momentum=0.9, centered=True, epsilon=1e-4),
          rmsprop_update(0.01, 0.9, 1e-4, momentum=0.9, centered=True))


# -- Adagrad / Adadelta ------------------------------------------------------------------
def test_adagrad():
    def update(w, g, s, t):
        s["acc"] = s.get("acc", 0.1) + g ** 2
        return w - 0.1 * g / np.sqrt(s["acc"] + 1e-7)
    check(optimizers.Adagrad(learning_rate=0.1), update)


def test_adagrad_initial_accumulator():
    def update(w, g, s, t):
        s["acc"] = s.get("acc", 0.5) + g ** 2
        return w - 0.2 * g / np.sqrt(s["acc"] + 1e-7)
    check(optimizers.Adagrad(learning_rate=0.2, initial_accumulator_value=0.5), update)


def test_adadelta():
    rho, eps, lr = 0.95, 1e-7, 1.0

    def update(w, g, s, t):
        s["ag"] = rho * s.get("ag", 0.0) + (1 - rho) * g ** 2
        delta = -np.sqrt(s.get("ad", 0.0) + eps) * g / np.sqrt(s["ag"] + eps)
        s["ad"] = rho * s.get("ad", 0.0) + (1 - rho) * delta ** 2
        return w + lr * delta
    check(optimizers.Adadelta(learning_rate=lr), update)


# -- base-class weight decay works for every optimizer --------------------------------
def test_weight_decay_on_sgd():
    def update(w, g, s, t):
        w = w - w * 0.1 * 0.5
        return w - 0.5 * g
    check(optimizers.SGD(learning_rate=0.5, weight_decay=0.1), update)


def test_exclude_from_weight_decay_by_name():
    opt = optimizers.SGD(learning_rate=0.5, weight_decay=0.1)
    opt.exclude_from_weight_decay(var_names=["bias"])
    kernel = sj.Variable(np.ones(2), name="dense/kernel")
    bias = sj.Variable(np.ones(2), name="dense/bias")
    kernel.grad = np.zeros(2)
    bias.grad = np.zeros(2)
    opt.step([kernel, bias])
    np.testing.assert_allclose(kernel.data, 1 - 0.05)
    np.testing.assert_allclose(bias.data, 1.0)


# LossScaleOptimizer wraps another optimizer (tests/keras_diff/test_diff_optimizers.py).
@pytest.mark.parametrize("cls", [c for c in optimizers.ALL_OBJECTS
                                 if c is not optimizers.LossScaleOptimizer])
def test_float32_weights_stay_float32_and_in_place(cls):
    w = sj.Variable(np.array([1.0, -2.0, 0.5], dtype=np.float32), name="w")
    data = w.data
    opt = cls(learning_rate=0.1)
    for _ in range(2):
        w.grad = np.array([0.1, -0.2, 0.3], dtype=np.float32)
        opt.step([w])
    np.testing.assert_array_equal(w.grad, np.array([0.1, -0.2, 0.3], dtype=np.float32))
    assert w.data is data
    assert w.data.dtype == np.float32
    # Adafactor keeps int32 scalar placeholders for the factored statistics of a 1-D weight,
    # as Keras does.
    assert all(a.dtype == np.float32 or (cls is optimizers.Adafactor and a.shape == ())
               for a in opt.variables[2:])
    assert not np.allclose(w.data, [1.0, -2.0, 0.5])
    # float32 run tracks a float64 run of the same optimizer closely
    w64 = sj.Variable(np.array([1.0, -2.0, 0.5]), name="w")
    opt64 = cls(learning_rate=0.1)
    for _ in range(2):
        w64.grad = np.array([0.1, -0.2, 0.3])
        opt64.step([w64])
    np.testing.assert_allclose(w.data, w64.data, rtol=1e-5, atol=1e-6)
