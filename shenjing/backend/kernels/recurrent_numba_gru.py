"""The compiled GRU steps (both reset_after forms): twins of the GRU functions of
``recurrent_numpy``, in the pattern of ``recurrent_numba`` (a compiled pass before NumPy's
tanh, one after; the backward steps one compiled pass each)."""

from .recurrent_numba import _dact, _post, _pre, _tanh, jit


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
