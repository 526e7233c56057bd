"""The per-step gate arithmetic of the fused recurrent ops, in array-module code.

Each function does one timestep's elementwise work for a batch (B rows), in place on the
buffers it is given, with the same name and arguments as its compiled twin in
``recurrent_numba``. ``act`` / ``ract`` are activation codes (``ACTIVATIONS``); ``m`` is the
step's mask (B,) bool, or None when no step is masked. A masked row keeps its state: its
new state is the previous one and it sends no gradient into the gates (its gate gradients
are 0 and the state gradient passes through unchanged).

Notation: a gate row z holds the pre-activations on entry and the activated gates on exit;
the derivative of each activation is taken from its output y:
tanh 1 - y^2, sigmoid y (1 - y), relu [y > 0], linear 1, hard_sigmoid [0 < y < 1] / 6.
"""

from .. import get_array_module

ACTIVATIONS = {"tanh": 0, "sigmoid": 1, "relu": 2, "linear": 3, "hard_sigmoid": 4}


def activate(a, code):
    """a = f(a) in place."""
    xp = get_array_module(a)
    if code == 0:
        xp.tanh(a, out=a)
    elif code == 1:  # (1 + tanh(a/2)) / 2: never overflows
        a *= 0.5
        xp.tanh(a, out=a)
        a *= 0.5
        a += 0.5
    elif code == 2:
        xp.maximum(a, 0, out=a)
    elif code == 4:  # relu6(a + 3) / 6, as Keras 3
        a /= 6
        a += 0.5
        xp.clip(a, 0, 1, out=a)
    return a


def derivative(y, code):
    """f'(x) from y = f(x), as a new array."""
    xp = get_array_module(y)
    if code == 0:
        return 1 - y * y
    if code == 1:
        return y * (1 - y)
    if code == 2:
        return (y > 0).astype(y.dtype)
    if code == 4:
        return ((y > 0) & (y < 1)).astype(y.dtype) / 6
    return xp.ones_like(y)


def _keep(new, old, m):
    """new = old on the masked rows, in place."""
    if m is not None:
        get_array_module(new).copyto(new, old, where=~m[:, None])


def _only(g, m):
    """g on the unmasked rows, 0 on the masked ones (a NaN on a masked row too)."""
    if m is None:
        return g
    return get_array_module(g).where(m[:, None], g, 0)


# -- LSTM: z = [i, f, g, o] (B, 4U);  c = f c_prev + i g;  h = o act(c) ---------------------------

def lstm_forward_step(z, q, c_prev, h_prev, m, act, ract, c, tc, h):
    """z = p_t on entry (the input projection), q = h_prev R."""
    u = c.shape[1]
    z += q
    activate(z[:, :2 * u], ract)
    activate(z[:, 2 * u:3 * u], act)
    activate(z[:, 3 * u:], ract)
    i, f, g, o = z[:, :u], z[:, u:2 * u], z[:, 2 * u:3 * u], z[:, 3 * u:]
    get_array_module(z).multiply(f, c_prev, out=c)
    c += i * g
    _keep(c, c_prev, m)
    tc[...] = c
    activate(tc, act)
    get_array_module(z).multiply(o, tc, out=h)
    _keep(h, h_prev, m)


def lstm_backward_step(dh, dc, z, c_prev, tc, m, act, ract, dz, dc_prev, dh_pass):
    """dh, dc: gradients reaching h_t and c_t. Writes dz (pre-activation gradients),
    dc_prev, and dh_pass (dh on masked rows, 0 elsewhere; None when unmasked)."""
    u = c_prev.shape[1]
    i, f, g, o = z[:, :u], z[:, u:2 * u], z[:, 2 * u:3 * u], z[:, 3 * u:]
    dh_in = _only(dh, m)
    dct = _only(dc, m) + dh_in * o * derivative(tc, act)
    dz[:, :u] = dct * g * derivative(i, ract)
    dz[:, u:2 * u] = dct * c_prev * derivative(f, ract)
    dz[:, 2 * u:3 * u] = dct * i * derivative(g, act)
    dz[:, 3 * u:] = dh_in * tc * derivative(o, ract)
    dc_prev[...] = dct * f
    if m is not None:
        keep = ~m[:, None]
        dc_prev += get_array_module(dc).where(keep, dc, 0)
        dh_pass[...] = get_array_module(dh).where(keep, dh, 0)


# -- GRU: z = ract(.), r = ract(.), hh = act(.), h = z h_prev + (1 - z) hh ------------------------

def gru_after_forward_step(p, q, h_prev, m, act, ract, gates, h):
    """reset_after: p = x W + b_in and q = h_prev U + b_rec, both (B, 3U);
    hh = act(p_h + r q_h). gates (B, 3U) gets [z, r, hh]."""
    u = h.shape[1]
    gates[:, :2 * u] = p[:, :2 * u] + q[:, :2 * u]
    activate(gates[:, :2 * u], ract)
    z, r, hh = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:]
    hh[...] = p[:, 2 * u:] + r * q[:, 2 * u:]
    activate(hh, act)
    _gru_mix(z, h_prev, hh, m, h)


def _gru_mix(z, h_prev, hh, m, h):
    h[...] = hh + z * (h_prev - hh)
    _keep(h, h_prev, m)


def gru_after_backward_step(dh, gates, q, h_prev, m, act, ract, dp, dq, dh_direct):
    """Writes dp = d(p), dq = d(q) (B, 3U) and dh_direct, the part of d(h_prev) that is
    not dq U^T: dh z on live rows, dh on masked rows."""
    u = h_prev.shape[1]
    z, r, hh = gates[:, :u], gates[:, u:2 * u], gates[:, 2 * u:]
    dh_in = _only(dh, m)
    dah = dh_in * (1 - z) * derivative(hh, act)
    dp[:, :u] = dh_in * (h_prev - hh) * derivative(z, ract)
    dp[:, u:2 * u] = dah * q[:, 2 * u:] * derivative(r, ract)
    dp[:, 2 * u:] = dah
    dq[:, :2 * u] = dp[:, :2 * u]
    dq[:, 2 * u:] = dah * r
    _direct(dh, dh_in, z, m, dh_direct)


def _direct(dh, dh_in, z, m, out):
    out[...] = dh_in * z
    if m is not None:
        out += get_array_module(dh).where(m[:, None], 0, dh)


def gru_before_gates_step(p, q, h_prev, act, ract, gates, rh):
    """reset_before, first half: q = h_prev U_zr (B, 2U); z, r into gates; rh = r h_prev."""
    u = h_prev.shape[1]
    gates[:, :2 * u] = p[:, :2 * u] + q
    activate(gates[:, :2 * u], ract)
    get_array_module(rh).multiply(gates[:, u:2 * u], h_prev, out=rh)


def gru_before_forward_step(p, qh, h_prev, m, act, ract, gates, h):
    """reset_before, second half: qh = rh U_h; hh = act(p_h + qh); the state update."""
    u = h.shape[1]
    hh = gates[:, 2 * u:]
    hh[...] = p[:, 2 * u:] + qh
    activate(hh, act)
    _gru_mix(gates[:, :u], h_prev, hh, m, h)


def gru_before_backward_hh(dh, gates, h_prev, m, act, ract, dp, dh_direct):
    """reset_before, first half of the backward: dp[:, :U] = dh (h_prev - hh) (z's gradient
    before its activation's derivative), dp[:, 2U:] = d(p_h); dh_direct as in reset_after."""
    u = h_prev.shape[1]
    z, hh = gates[:, :u], gates[:, 2 * u:]
    dh_in = _only(dh, m)
    dp[:, :u] = dh_in * (h_prev - hh)
    dp[:, 2 * u:] = dh_in * (1 - z) * derivative(hh, act)
    _direct(dh, dh_in, z, m, dh_direct)


def gru_before_backward_zr(drh, gates, h_prev, act, ract, dp, dh_direct):
    """reset_before, second half: drh = d(rh) = dp_h U_h^T; the z and r pre-activation
    gradients, and dh_direct += drh r."""
    u = h_prev.shape[1]
    z, r = gates[:, :u], gates[:, u:2 * u]
    dp[:, :u] *= derivative(z, ract)
    dp[:, u:2 * u] = drh * h_prev * derivative(r, ract)
    dh_direct += drh * r


# -- SimpleRNN: h = act(p + h_prev U) ----------------------------------------------------------

def simple_forward_step(a, h_prev, m, act, h):
    """a = p + q (B, U) on entry; h = act(a), kept as h_prev on masked rows."""
    activate(a, act)
    h[...] = a
    _keep(h, h_prev, m)


def simple_backward_step(dh, h, m, act, da, dh_pass):
    da[...] = _only(dh, m) * derivative(h, act)
    if m is not None:
        dh_pass[...] = get_array_module(dh).where(m[:, None], 0, dh)


NO_MASK = None  # the mask argument of a step when no step is masked
