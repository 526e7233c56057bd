"""The per-step gate arithmetic of the fused recurrent ops as compiled loops (twins of
``recurrent_numpy``: same functions, same arguments, same values).

numba's scalar tanh/exp run many times slower than NumPy's vectorised tanh, so a forward
step is: one compiled pass for everything before the tanh (tanh-based activations are
a tanh(s x) + b: tanh with s = 1, sigmoid with s = a = b = 1/2), ``numpy.tanh`` in place on
the whole block, one compiled pass for everything after it (the cell's state update).
relu, linear and hard_sigmoid are done in the compiled passes. The backward steps need
no transcendental: each is one compiled pass. A step's mask is an empty array when no
step is masked (``NO_MASK``).
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


# -- GRU -------------------------------------------------------------------------------------------

@jit
def _gates_zr(p, q, ract, gates):
    """gates[:, :2U] = pre(p_zr + q_zr); q holds the 2U columns of h_{t-1} R (and more)."""
    bsz, u2 = gates.shape[0], 2 * (gates.shape[1] // 3)
    for b in range(bsz):
        for k in range(u2):
            gates[b, k] = _pre(p[b, k] + q[b, k], ract)


@jit
def _after_hh(p, q, ract, act, gates):
    bsz, u = gates.shape[0], gates.shape[1] // 3
    for b in range(bsz):
        for k in range(u):
            z = _post(gates[b, k], ract)
            r = _post(gates[b, u + k], ract)
            gates[b, k], gates[b, u + k] = z, r
            gates[b, 2 * u + k] = _pre(p[b, 2 * u + k] + r * q[b, 2 * u + k], act)


@jit
def _mix(gates, h_prev, m, act, h):
    bsz, u = h.shape
    masked = m.size > 0
    for b in range(bsz):
        live = not masked or m[b]
        for k in range(u):
            hh = _post(gates[b, 2 * u + k], act)
            gates[b, 2 * u + k] = hh
            h[b, k] = hh + gates[b, k] * (h_prev[b, k] - hh) if live else h_prev[b, k]


def gru_after_forward_step(p, q, h_prev, m, act, ract, gates, h):
    u = h.shape[1]
    _gates_zr(p, q, ract, gates)
    _tanh(gates[:, :2 * u], ract)
    _after_hh(p, q, ract, act, gates)
    _tanh(gates[:, 2 * u:], act)
    _mix(gates, h_prev, m, act, h)


@jit
def gru_after_backward_step(dh, gates, q, h_prev, m, act, ract, dp, dq, dh_direct):
    bsz, u = dh.shape
    masked = m.size > 0
    for b in range(bsz):
        if masked and not m[b]:
            for k in range(u):
                dp[b, k] = dp[b, u + k] = dp[b, 2 * u + k] = 0.0
                dq[b, k] = dq[b, u + k] = dq[b, 2 * u + k] = 0.0
                dh_direct[b, k] = dh[b, k]
            continue
        for k in range(u):
            z, r, hh, d = gates[b, k], gates[b, u + k], gates[b, 2 * u + k], dh[b, k]
            dah = d * (1.0 - z) * _dact(hh, act)
            dz = d * (h_prev[b, k] - hh) * _dact(z, ract)
            dr = dah * q[b, 2 * u + k] * _dact(r, ract)
            dp[b, k], dp[b, u + k], dp[b, 2 * u + k] = dz, dr, dah
            dq[b, k], dq[b, u + k], dq[b, 2 * u + k] = dz, dr, dah * r
            dh_direct[b, k] = d * z


@jit
def _before_zr_post(gates, h_prev, ract, rh):
    bsz, u = h_prev.shape
    for b in range(bsz):
        for k in range(u):
            gates[b, k] = _post(gates[b, k], ract)
            r = _post(gates[b, u + k], ract)
            gates[b, u + k] = r
            rh[b, k] = r * h_prev[b, k]


def gru_before_gates_step(p, q, h_prev, act, ract, gates, rh):
    u = h_prev.shape[1]
    _gates_zr(p, q, ract, gates)
    _tanh(gates[:, :2 * u], ract)
    _before_zr_post(gates, h_prev, ract, rh)


@jit
def _before_hh_pre(p, qh, act, gates):
    bsz, u = qh.shape
    for b in range(bsz):
        for k in range(u):
            gates[b, 2 * u + k] = _pre(p[b, 2 * u + k] + qh[b, k], act)


def gru_before_forward_step(p, qh, h_prev, m, act, ract, gates, h):
    u = h.shape[1]
    _before_hh_pre(p, qh, act, gates)
    _tanh(gates[:, 2 * u:], act)
    _mix(gates, h_prev, m, act, h)


@jit
def gru_before_backward_hh(dh, gates, h_prev, m, act, ract, dp, dh_direct):
    bsz, u = dh.shape
    masked = m.size > 0
    for b in range(bsz):
        live = not masked or m[b]
        for k in range(u):
            if live:
                z, hh, d = gates[b, k], gates[b, 2 * u + k], dh[b, k]
                dp[b, k] = d * (h_prev[b, k] - hh)
                dp[b, 2 * u + k] = d * (1.0 - z) * _dact(hh, act)
                dh_direct[b, k] = d * z
            else:
                dp[b, k] = dp[b, 2 * u + k] = 0.0
                dh_direct[b, k] = dh[b, k]


@jit
def gru_before_backward_zr(drh, gates, h_prev, act, ract, dp, dh_direct):
    bsz, u = drh.shape
    for b in range(bsz):
        for k in range(u):
            z, r, d = gates[b, k], gates[b, u + k], drh[b, k]
            dp[b, k] *= _dact(z, ract)
            dp[b, u + k] = d * h_prev[b, k] * _dact(r, ract)
            dh_direct[b, k] += d * r


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
