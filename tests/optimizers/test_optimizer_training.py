"""End to end: optimizers driving shenjing's autodiff, and a differential test against PyTorch."""

import numpy as np
import pytest

import shenjing as sj
from shenjing import optimizers


@pytest.mark.parametrize("opt, steps", [
    (optimizers.SGD(learning_rate=0.1), 100),
    (optimizers.SGD(learning_rate=0.05, momentum=0.9, nesterov=True), 200),
    (optimizers.Adam(learning_rate=0.1), 300),
    (optimizers.AdamW(learning_rate=0.1, weight_decay=1e-4), 300),
    (optimizers.RMSprop(learning_rate=0.01), 600),
    (optimizers.Adagrad(learning_rate=1.0), 300),
    (optimizers.Adamax(learning_rate=0.2), 300),
    (optimizers.Nadam(learning_rate=0.1), 300),
])
def test_minimizes_quadratic(opt, steps):
    """f(w) = sum((w - 3)**2), gradients from loss.backward()."""
    w = sj.Variable(np.array([0.0, -1.0, 5.0, 2.5], dtype=np.float32), name="w")
    for _ in range(steps):
        opt.zero_grad([w])
        loss = ((w - 3.0) ** 2).sum()
        loss.backward()
        opt.step([w])
    assert w.data.dtype == np.float32
    np.testing.assert_allclose(w.data, 3.0, atol=0.05)


def _torch_run(torch, make_opt, w0, grads):
    p = torch.nn.Parameter(torch.tensor(w0, dtype=torch.float64))
    opt = make_opt([p])
    for g in grads:
        opt.zero_grad()
        p.grad = torch.tensor(g, dtype=torch.float64)
        opt.step()
    return p.detach().numpy()


def _sj_run(opt, w0, grads):
    w = sj.Variable(w0.copy(), name="w")
    for g in grads:
        w.grad = g.copy()
        opt.step([w])
    return w.data


def test_against_torch_optim():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(0)
    w0 = rng.normal(size=(3, 4))
    grads = [rng.normal(size=(3, 4)) for _ in range(5)]

    # SGD momentum: torch's p -= lr * (mu * b + g) equals Keras's v = mu*v - lr*g; w += v
    # while lr is constant.
    ours = _sj_run(optimizers.SGD(learning_rate=0.1, momentum=0.9), w0, grads)
    ref = _torch_run(torch, lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9), w0, grads)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)

    ours = _sj_run(optimizers.SGD(learning_rate=0.1), w0, grads)
    ref = _torch_run(torch, lambda ps: torch.optim.SGD(ps, lr=0.1), w0, grads)
    np.testing.assert_allclose(ours, ref, rtol=1e-12, atol=1e-12)

    # Adam: same formula; the epsilon sits on sqrt(v_hat) in torch and on sqrt(v) in Keras,
    # so with a tiny epsilon both agree to ~eps; pass eps explicitly (defaults differ).
    ours = _sj_run(optimizers.Adam(learning_rate=0.01, epsilon=1e-12), w0, grads)
    ref = _torch_run(torch, lambda ps: torch.optim.Adam(ps, lr=0.01, eps=1e-12), w0, grads)
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-10)

    ours = _sj_run(optimizers.Adam(learning_rate=0.01, epsilon=1e-12, amsgrad=True), w0, grads)
    ref = _torch_run(torch, lambda ps: torch.optim.Adam(ps, lr=0.01, eps=1e-12, amsgrad=True),
                     w0, grads)
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-10)

    # Adagrad with zero initial accumulator: torch's eps is outside the sqrt, Keras's inside;
    # with a tiny eps they agree.
    ours = _sj_run(optimizers.Adagrad(learning_rate=0.1, initial_accumulator_value=0.0,
                                      epsilon=1e-20), w0, grads)
    ref = _torch_run(torch, lambda ps: torch.optim.Adagrad(ps, lr=0.1, eps=1e-10), w0, grads)
    np.testing.assert_allclose(ours, ref, rtol=1e-8, atol=1e-9)
