"""The per-step gate arithmetic of the fused recurrent ops as compiled loops (twins of
``recurrent_numpy``: same functions, same arguments, same values).

numba's scalar tanh/exp run many times slower than NumPy's vectorised tanh, so a forward
step is: one compiled pass for everything before the tanh (tanh-based activations are
a tanh(s x) + b: tanh with s = 1, sigmoid with s = a = b = 1/2), ``numpy.tanh`` in place on
the whole block, one compiled pass for everything after it (the cell's state update).
relu, linear and hard_sigmoid are done in the compiled passes. The backward steps need
no transcendental: each is one compiled pass. A step's mask is an empty array when no
step is masked (``NO_MASK``). The GRU steps live in ``recurrent_numba_gru`` and are
re-exported here.
"""

import numpy as np

import numba

from . import recurrent_numpy as _twin

jit = numba.njit(cache=True, nogil=True, error_model="numpy")
NO_MASK = np.zeros(0, dtype=np.bool_)
_TANH_BASED = (0, 1)


@jit
def _pre(v, code):
    """The part of activation ``code`` before the tanh pass (all of it for relu, linear,
    hard_sigmoid)."""
    if code == 1:
        return v * 0.5
    if code == 2:
        return v if not v < 0 else v * 0.0
    if code == 4:
        w = v / 6.0 + 0.5
        return 0.0 if w < 0 else (1.0 if w > 1 else w)
    return v


@jit
def _post(t, code):
    return 0.5 * t + 0.5 if code == 1 else t


@jit
def _dact(y, code):
    if code == 0:
        return 1.0 - y * y
    if code == 1:
        return y * (1.0 - y)
    if code == 2:
        return 1.0 if y > 0 else 0.0
    if code == 4:
        return 1.0 / 6.0 if 0 < y < 1 else 0.0
    return 1.0


def _tanh(block, code):
    if code in _TANH_BASED:
        np.tanh(block, out=block)


@jit
def _pre_block(z, start, stop, code):
    for b in range(z.shape[0]):
        for k in range(start, stop):
            z[b, k] = _pre(z[b, k], code)


# -- LSTM ------------------------------------------------------------------------------------------

@jit
def _lstm_cell(z, c_prev, m, act, ract, c, tc):
    bsz, u = c.shape
    masked = m.size > 0
    for b in range(bsz):
        live = not masked or m[b]
        for k in range(u):
            i = _post(z[b, k], ract)
            f = _post(z[b, u + k], ract)
            g = _post(z[b, 2 * u + k], act)
            z[b, k], z[b, u + k], z[b, 2 * u + k] = i, f, g
            z[b, 3 * u + k] = _post(z[b, 3 * u + k], ract)
            v = f * c_prev[b, k] + i * g if live else c_prev[b, k]
            c[b, k] = v
            tc[b, k] = _pre(v, act)


@jit
def _lstm_out(z, tc, h_prev, m, act, h):
    bsz, u = h.shape
    masked = m.size > 0
    for b in range(bsz):
        live = not masked or m[b]
        for k in range(u):
            t = _post(tc[b, k], act)
            tc[b, k] = t
            h[b, k] = z[b, 3 * u + k] * t if live else h_prev[b, k]


def lstm_forward_step(z, q, c_prev, h_prev, m, act, ract, c, tc, h):
    u = c.shape[1]
    if act == 0 and ract == 1:
        half = z.dtype.type(0.5)
        _lstm_pre_default(z, q, half)
        np.tanh(z, out=z)
        _lstm_cell_default(z, c_prev, m, half, c, tc)
        np.tanh(tc, out=tc)
        _lstm_out(z, tc, h_prev, m, 0, h)
        return
    _add(z, q)
    for start, stop, code in ((0, 2 * u, ract), (2 * u, 3 * u, act), (3 * u, 4 * u, ract)):
        _pre_block(z, start, stop, code)
        _tanh(z[:, start:stop], code)
    _lstm_cell(z, c_prev, m, act, ract, c, tc)
    _tanh(tc, act)
    _lstm_out(z, tc, h_prev, m, act, h)


@jit
def _add(z, q):
    for b in range(z.shape[0]):
        for k in range(z.shape[1]):
            z[b, k] += q[b, k]


@jit
def _lstm_pre_default(z, q, half):
    """z = (p + q) / 2 on the sigmoid gates i, f, o; p + q on g (tanh follows)."""
    u = z.shape[1] // 4
    for b in range(z.shape[0]):
        for k in range(2 * u):
            z[b, k] = (z[b, k] + q[b, k]) * half
        for k in range(2 * u, 3 * u):
            z[b, k] += q[b, k]
        for k in range(3 * u, 4 * u):
            z[b, k] = (z[b, k] + q[b, k]) * half


@jit
def _lstm_cell_default(z, c_prev, m, half, c, tc):
    bsz, u = c.shape
    masked = m.size > 0
    for b in range(bsz):
        live = not masked or m[b]
        for k in range(u):
            i = z[b, k] * half + half
            f = z[b, u + k] * half + half
            z[b, k], z[b, u + k] = i, f
            z[b, 3 * u + k] = z[b, 3 * u + k] * half + half
            v = f * c_prev[b, k] + i * z[b, 2 * u + k]
            v = v if live else c_prev[b, k]
            c[b, k] = v
            tc[b, k] = v


def lstm_backward_step(dh, dc, z, c_prev, tc, m, act, ract, dz, dc_prev, dh_pass):
    if act == 0 and ract == 1:
        _lstm_backward_default(dh, dc, z, c_prev, tc, m, dh.dtype.type(1), dz, dc_prev, dh_pass)
    else:
        _lstm_backward(dh, dc, z, c_prev, tc, m, act, ract, dz, dc_prev, dh_pass)


@jit
def _lstm_masked_row(b, dh, dc, dz, dc_prev, dh_pass):
    u = dh.shape[1]
    for k in range(4 * u):
        dz[b, k] = 0.0
    for k in range(u):
        dc_prev[b, k] = dc[b, k]
        dh_pass[b, k] = dh[b, k]


@jit
def _lstm_backward_default(dh, dc, z, c_prev, tc, m, one, dz, dc_prev, dh_pass):
    """tanh and sigmoid, in the arrays' own precision."""
    bsz, u = dh.shape
    masked = m.size > 0
    for b in range(bsz):
        if masked and not m[b]:
            _lstm_masked_row(b, dh, dc, dz, dc_prev, dh_pass)
            continue
        for k in range(u):
            i, f, g, o = z[b, k], z[b, u + k], z[b, 2 * u + k], z[b, 3 * u + k]
            d, t = dh[b, k], tc[b, k]
            dct = dc[b, k] + d * o * (one - t * t)
            dz[b, k] = dct * g * (i - i * i)
            dz[b, u + k] = dct * c_prev[b, k] * (f - f * f)
            dz[b, 2 * u + k] = dct * i * (one - g * g)
            dz[b, 3 * u + k] = d * t * (o - o * o)
            dc_prev[b, k] = dct * f
        if masked:
            for k in range(u):
                dh_pass[b, k] = 0.0


@jit
def _lstm_backward(dh, dc, z, c_prev, tc, m, act, ract, dz, dc_prev, dh_pass):
    bsz, u = dh.shape
    masked = m.size > 0
    for b in range(bsz):
        if masked and not m[b]:
            _lstm_masked_row(b, dh, dc, dz, dc_prev, dh_pass)
            continue
        for k in range(u):
            i, f, g, o = z[b, k], z[b, u + k], z[b, 2 * u + k], z[b, 3 * u + k]
            d, t = dh[b, k], tc[b, k]
            dct = dc[b, k] + d * o * _dact(t, act)
            dz[b, k] = dct * g * _dact(i, ract)
            dz[b, u + k] = dct * c_prev[b, k] * _dact(f, ract)
            dz[b, 2 * u + k] = dct * i * _dact(g, act)
            dz[b, 3 * u + k] = d * t * _dact(o, ract)
            dc_prev[b, k] = dct * f
            if masked:
                dh_pass[b, k] = 0.0


# -- SimpleRNN: NumPy's tanh is the whole forward step ---------------------------------------------

def simple_forward_step(a, h_prev, m, act, h):
    _twin.simple_forward_step(a, h_prev, m if m.size else None, act, h)


@jit
def simple_backward_step(dh, h, m, act, da, dh_pass):
    bsz, u = dh.shape
    masked = m.size > 0
    for b in range(bsz):
        live = not masked or m[b]
        for k in range(u):
            da[b, k] = dh[b, k] * _dact(h[b, k], act) if live else 0.0
            if masked:
                dh_pass[b, k] = 0.0 if live else dh[b, k]


from .recurrent_numba_gru import (gru_after_backward_step, gru_after_forward_step,  # noqa: E402
                                  gru_before_backward_hh, gru_before_backward_zr,
                                  gru_before_forward_step, gru_before_gates_step)


def exercise():
    """Run every step once on tiny float32 and float64 arrays (compiling or loading them)."""
    for dtype in (np.float32, np.float64):
        one = np.ones((1, 1), dtype)
        m = np.ones(1, np.bool_)
        for mask in (m, NO_MASK):
            four = np.ones((1, 4), dtype)
            for act, ract in ((0, 1), (2, 4)):
                lstm_forward_step(four.copy(), four, one, one, mask, act, ract, one.copy(), one.copy(), one.copy())
                lstm_backward_step(one, one, four, one, one, mask, act, ract, four.copy(), one.copy(), one.copy())
            three = np.ones((1, 3), dtype)
            gru_after_forward_step(three, three, one, mask, 0, 1, three.copy(), one.copy())
            gru_after_backward_step(one, three, three, one, mask, 0, 1, three.copy(), three.copy(), one.copy())
            gru_before_gates_step(three, np.ones((1, 2), dtype), one, 0, 1, three.copy(), one.copy())
            gru_before_forward_step(three, one, one, mask, 0, 1, three.copy(), one.copy())
            gru_before_backward_hh(one, three, one, mask, 0, 1, three.copy(), one.copy())
            gru_before_backward_zr(one, three, one, 0, 1, three.copy(), one.copy())
            simple_backward_step(one, one, mask, 0, one.copy(), one.copy())
