"""Convolution and pooling forward values against naive loop references (and torch when installed).

Gradients are checked in test_autograd_op_gradients.py; here the forward pass
is compared with a reference that walks every output position explicitly,
with TensorFlow's 'same' padding rule: out = ceil(L / s), pad_total =
max((out - 1) s + (k - 1) d + 1 - L, 0), the odd pixel going after.
"""

import itertools

import numpy as np
import pytest

import shenjing as sj
from shenjing import ops


def same_pads(length, window, stride, dilation=1):
    out = -(-length // stride)
    total = max((out - 1) * stride + (window - 1) * dilation + 1 - length, 0)
    return total // 2, total - total // 2


def naive_conv2d(x, k, strides, padding, dilation):
    """y[n, i, j, f] = sum_{a, b, c} x_pad[n, i sh + a dh, j sw + b dw, c] k[a, b, c, f], by loops."""
    n, h, w, c = x.shape
    kh, kw, _, f = k.shape
    (sh, sw), (dh, dw) = strides, dilation
    if padding == "same":
        (top, bottom), (left, right) = same_pads(h, kh, sh, dh), same_pads(w, kw, sw, dw)
    else:
        top = bottom = left = right = 0
    xp = np.zeros((n, h + top + bottom, w + left + right, c))
    xp[:, top:top + h, left:left + w] = x
    ho = (xp.shape[1] - (kh - 1) * dh - 1) // sh + 1
    wo = (xp.shape[2] - (kw - 1) * dw - 1) // sw + 1
    y = np.zeros((n, ho, wo, f))
    for b_, i, j, o in itertools.product(range(n), range(ho), range(wo), range(f)):
        total = 0.0
        for a, b, ch in itertools.product(range(kh), range(kw), range(c)):
            total += xp[b_, i * sh + a * dh, j * sw + b * dw, ch] * k[a, b, ch, o]
        y[b_, i, j, o] = total
    return y


def naive_pool2d(x, pool, strides, padding, kind):
    """Max or mean over each window's real values (padding never counts), by loops."""
    n, h, w, c = x.shape
    (ph, pw), (sh, sw) = pool, strides
    if padding == "same":
        (top, _), (left, _) = same_pads(h, ph, sh), same_pads(w, pw, sw)
        ho, wo = -(-h // sh), -(-w // sw)
    else:
        top = left = 0
        ho, wo = (h - ph) // sh + 1, (w - pw) // sw + 1
    y = np.zeros((n, ho, wo, c))
    for b_, i, j, ch in itertools.product(range(n), range(ho), range(wo), range(c)):
        values = []
        for a, b in itertools.product(range(ph), range(pw)):
            r, q = i * sh + a - top, j * sw + b - left
            if 0 <= r < h and 0 <= q < w:
                values.append(x[b_, r, q, ch])
        y[b_, i, j, ch] = max(values) if kind == "max" else sum(values) / len(values)
    return y


CONV_CASES = [
    # (input shape, kernel shape, strides, padding, dilation)
    ((2, 5, 6, 3), (3, 3, 3, 4), 1, "valid", 1),
    ((2, 5, 6, 3), (3, 3, 3, 4), 1, "same", 1),
    ((2, 5, 6, 3), (3, 3, 3, 4), 2, "valid", 1),
    ((2, 5, 6, 3), (3, 3, 3, 4), 2, "same", 1),
    ((1, 6, 7, 2), (2, 2, 2, 3), 1, "same", 1),   # even kernel: the extra pad goes after
    ((1, 6, 7, 2), (2, 4, 2, 3), 2, "same", 1),
    ((1, 7, 7, 2), (4, 3, 2, 1), (2, 3), "valid", 1),
    ((1, 8, 8, 2), (3, 3, 2, 2), 1, "valid", 2),
    ((1, 7, 6, 2), (3, 2, 2, 2), 1, "same", 2),
    ((2, 9, 9, 1), (3, 3, 1, 2), 2, "same", (2, 1)),
]


def _pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


@pytest.mark.parametrize("xs, ks, strides, padding, dilation", CONV_CASES)
def test_conv2d_matches_naive_loops(xs, ks, strides, padding, dilation):
    rng = np.random.default_rng(0)
    x, k = rng.standard_normal(xs), rng.standard_normal(ks)
    y = ops.conv(sj.tensor(x), sj.tensor(k), strides=strides, padding=padding, dilation_rate=dilation)
    expected = naive_conv2d(x, k, _pair(strides), padding, _pair(dilation))
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-10, atol=1e-10)


@pytest.mark.parametrize("length, k, stride, padding, dilation", [
    (7, 3, 1, "valid", 1), (7, 3, 1, "same", 1), (8, 4, 1, "same", 1), (8, 3, 2, "valid", 1),
    (8, 3, 2, "same", 1), (9, 4, 2, "same", 1), (9, 3, 1, "valid", 2), (9, 2, 1, "same", 2),
])
def test_conv1d_matches_naive_loops(length, k, stride, padding, dilation):
    rng = np.random.default_rng(1)
    x, kernel = rng.standard_normal((2, length, 3)), rng.standard_normal((k, 3, 2))
    y = ops.conv(x, kernel, strides=stride, padding=padding, dilation_rate=dilation)
    expected = naive_conv2d(x[:, None], kernel[None], (1, stride), padding, (1, dilation))[:, 0]
    assert y.shape == expected.shape
    if padding == "same":
        assert y.shape[1] == -(-length // stride)
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-10, atol=1e-10)


def test_conv_float32_stays_float32():
    x = sj.tensor(np.ones((1, 4, 4, 2), dtype=np.float32), requires_grad=True)
    k = sj.tensor(np.ones((3, 3, 2, 1), dtype=np.float32), requires_grad=True)
    y = ops.conv(x, k, padding="same")
    assert y.dtype == np.float32
    y.sum().backward()
    assert x.grad.dtype == np.float32 and k.grad.dtype == np.float32
    # Each input pixel is read by as many windows as fit around it: 4 in a corner, 9 inside.
    assert x.grad[0, 0, 0, 0] == 4 and x.grad[0, 1, 1, 0] == 9


@pytest.mark.parametrize("xs, ks, strides, padding, dilation", CONV_CASES)
def test_conv2d_matches_torch_values_and_gradients(xs, ks, strides, padding, dilation):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(2)
    x, k = rng.standard_normal(xs), rng.standard_normal(ks)
    (sh, sw), (dh, dw) = _pair(strides), _pair(dilation)

    tx = torch.tensor(x, requires_grad=True)
    tk = torch.tensor(k, requires_grad=True)
    xin = tx.permute(0, 3, 1, 2)
    if padding == "same":
        (top, bottom), (left, right) = same_pads(xs[1], ks[0], sh, dh), same_pads(xs[2], ks[1], sw, dw)
        xin = F.pad(xin, (left, right, top, bottom))
    ty = F.conv2d(xin, tk.permute(3, 2, 0, 1).contiguous(), stride=(sh, sw), dilation=(dh, dw)).permute(0, 2, 3, 1)
    g = rng.standard_normal(tuple(ty.shape))
    ty.backward(torch.tensor(g))

    sx, sk = sj.tensor(x, requires_grad=True), sj.tensor(k, requires_grad=True)
    sy = ops.conv(sx, sk, strides=strides, padding=padding, dilation_rate=dilation)
    sy.backward(g)
    np.testing.assert_allclose(sy.numpy(), ty.detach().numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(sx.grad, tx.grad.numpy(), rtol=1e-10, atol=1e-10)
    np.testing.assert_allclose(sk.grad, tk.grad.numpy(), rtol=1e-10, atol=1e-10)


@pytest.mark.filterwarnings("ignore:Using padding='same'")
def test_conv2d_same_stride1_matches_torch_same_padding():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(3)
    for kh, kw in [(3, 3), (2, 2), (4, 3)]:
        x, k = rng.standard_normal((2, 6, 7, 2)), rng.standard_normal((kh, kw, 2, 3))
        expected = torch.nn.functional.conv2d(
            torch.tensor(x).permute(0, 3, 1, 2), torch.tensor(k).permute(3, 2, 0, 1), padding="same"
        ).permute(0, 2, 3, 1).numpy()
        np.testing.assert_allclose(ops.conv(x, k, padding="same").numpy(), expected, rtol=1e-10, atol=1e-10)


POOL_CASES = [
    # (input shape, pool, strides, padding)
    ((2, 6, 6, 2), 2, None, "valid"),
    ((2, 6, 7, 2), 3, None, "valid"),
    ((2, 6, 7, 2), 3, 1, "valid"),        # overlapping windows
    ((2, 7, 7, 2), 3, 2, "valid"),        # overlapping windows
    ((2, 7, 6, 2), 2, 3, "valid"),        # gaps between windows
    ((1, 5, 5, 3), 2, None, "same"),
    ((1, 5, 6, 3), 3, 2, "same"),
    ((1, 5, 6, 3), 2, 1, "same"),
    ((1, 6, 5, 1), (2, 3), (1, 2), "same"),
]


@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("xs, pool, strides, padding", POOL_CASES)
def test_pool2d_matches_naive_loops(kind, xs, pool, strides, padding):
    x = np.random.default_rng(4).standard_normal(xs)
    fn = ops.max_pool if kind == "max" else ops.average_pool
    y = fn(x, pool, strides=strides, padding=padding)
    expected = naive_pool2d(x, _pair(pool), _pair(pool if strides is None else strides), padding, kind)
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("kind", ["max", "average"])
@pytest.mark.parametrize("length, pool, strides, padding", [
    (8, 2, None, "valid"), (7, 3, 1, "valid"), (9, 3, 2, "valid"), (7, 2, 3, "valid"),
    (7, 2, None, "same"), (8, 3, 2, "same"),
])
def test_pool1d_matches_naive_loops(kind, length, pool, strides, padding):
    x = np.random.default_rng(5).standard_normal((2, length, 3))
    fn = ops.max_pool if kind == "max" else ops.average_pool
    y = fn(x, pool, strides=strides, padding=padding)
    expected = naive_pool2d(x[:, None], (1, pool), (1, pool if strides is None else strides), padding, kind)[:, 0]
    assert y.shape == expected.shape
    np.testing.assert_allclose(y.numpy(), expected, rtol=1e-12, atol=1e-12)


def test_max_pool_gradient_goes_to_each_window_maximum():
    # One window per output; overlapping windows send their gradients to the shared maximum twice.
    x = sj.tensor(np.array([[[1.0], [5.0], [2.0], [0.0], [3.0]]]), requires_grad=True)
    y = ops.max_pool(x, 3, strides=1)
    np.testing.assert_array_equal(y.numpy()[0, :, 0], [5.0, 5.0, 3.0])
    y.sum().backward()
    np.testing.assert_array_equal(x.grad[0, :, 0], [0, 2, 0, 0, 1])


def test_average_pool_same_padding_divides_by_real_values():
    x = sj.tensor(np.ones((1, 3, 3, 1)), requires_grad=True)
    y = ops.average_pool(x, 2, strides=1, padding="same")
    np.testing.assert_array_equal(y.numpy(), np.ones((1, 3, 3, 1)))  # padding is never averaged in
    y.sum().backward()
    # The pad goes after, so (0, 0) is read by one full window (1/4), while (2, 2) is read by
    # windows holding 4, 2, 2 and 1 real values: 1/4 + 1/2 + 1/2 + 1.
    assert x.grad[0, 0, 0, 0] == 0.25 and x.grad[0, 2, 2, 0] == 2.25


def test_global_pools():
    x = np.random.default_rng(6).standard_normal((2, 3, 4, 5))
    np.testing.assert_allclose(ops.global_average_pool(x).numpy(), x.mean(axis=(1, 2)))
    np.testing.assert_allclose(ops.global_max_pool(x).numpy(), x.max(axis=(1, 2)))
    assert ops.global_average_pool(x, keepdims=True).shape == (2, 1, 1, 5)
    assert ops.global_max_pool(x[:, 0], keepdims=True).shape == (2, 1, 5)


def test_pool_matches_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = np.random.default_rng(7).standard_normal((2, 7, 8, 3))
    tx = torch.tensor(x).permute(0, 3, 1, 2)
    np.testing.assert_allclose(ops.max_pool(x, 3, strides=2).numpy(),
                               F.max_pool2d(tx, 3, stride=2).permute(0, 2, 3, 1).numpy())
    np.testing.assert_allclose(ops.average_pool(x, 2, strides=1).numpy(),
                               F.avg_pool2d(tx, 2, stride=1).permute(0, 2, 3, 1).numpy())
