"""Whole-sequence recurrences (SimpleRNN, LSTM, GRU): forward and backpropagation through time
inside one op each, with Keras's weight layouts and semantics.

For inputs x (B, T, D), kernel W (D, kU), recurrent kernel R (U, kU):
    p_t = x_t W + b            all timesteps as one (B*T, D) @ (D, kU) product, before the loop
    a_t = p_t + h_{t-1} R      one (B, U) @ (U, kU) product per step; the gates' elementwise
                               work is one call per step (``backend.kernels.recurrent``)
and backward, walking the steps in reverse with dh_t = dy_t + dh carried from step t+1:
    da_t (the gates' pre-activation gradients, kept for every step),  dh_{t-1} = da_t R^T + ...
then after the loop   dR = [h_0 .. h_{T-1}]^T [da_1 .. da_T]   (one (U, B*T) @ (B*T, kU) product),
    dW = X^T dA,  db = sum dA,  dx = dA W^T   (one product each).

Contract, as Keras's ``RNN`` with its backend's ``rnn``: ``mask`` (B, T) bool, a masked step
keeps every state and outputs the previous state (zeros with ``zero_output_for_mask``);
``go_backwards`` walks the reversed sequence and returns the outputs in walking order. The
op returns one tensor (B, T + n, U): the T outputs, then the n final states; the functions
``simple_rnn_sequence``, ``lstm_sequence``, ``gru_sequence`` split it.
"""

import numpy as np  # dtypes only: arrays go through backend.xp

from ... import backend
from ...backend.kernels import recurrent as kernels
from ...backend.kernels.recurrent_numpy import ACTIVATIONS
from ..function import Function
from ..tensor import as_tensor

ACTIVATION_NAMES = tuple(ACTIVATIONS)  # plus None, the same as "linear"


def activation_code(name):
    """The code of an activation the fused ops support, or None (then the caller loops)."""
    return ACTIVATIONS.get("linear" if name is None else name)


class Recurrence(Function):
    """The steps shared by every cell: the sequence in walking order and time-major, the
    input projection, the packed output, and the input-side gradients."""

    states = 1  # final states appended to the outputs

    def prepare(self, x, w, bias, mask, go_backwards, zero_output_for_mask):
        xp = backend.xp
        self.go_backwards, self.zero_output = go_backwards, zero_output_for_mask
        seq = x[:, ::-1] if go_backwards else x
        t, b, d = seq.shape[1], seq.shape[0], seq.shape[2]
        # The bias rides in the product: x gets a column of ones and W the bias as a last row,
        # so that p = [x 1] [W; b] and, backward, [dW; db] = [x 1]^T dp (one product each).
        self.x_t = xp.empty((t, b, d + (bias is not None)), dtype=x.dtype)  # (T, B, D [+ 1])
        self.x_t[:, :, :d] = seq.transpose(1, 0, 2)
        if bias is not None:
            self.x_t[:, :, d] = 1
            w = xp.concatenate([w, bias.reshape(1, -1)])
        self.mask = None
        if mask is not None:
            mask = xp.asarray(mask, dtype=bool)
            if mask.shape != x.shape[:2]:
                raise ValueError(f"Expected a mask of shape {x.shape[:2]} (batch, timesteps) for "
                                 f"inputs of shape {x.shape}. Received: mask.shape={mask.shape}")
            if not bool(mask.all()):
                self.mask = xp.ascontiguousarray((mask[:, ::-1] if go_backwards else mask).T)
                # A masked step's input reaches nothing: zeroed, a NaN or inf there (padding)
                # cannot turn its zero gradients into NaN (on the NumPy steps) or reach dW.
                self.x_t[~self.mask] = 0
        return (self.x_t.reshape(t * b, w.shape[0]) @ w).reshape(t, b, w.shape[1])

    def step_mask(self, k, t):
        return k.NO_MASK if self.mask is None else self.mask[t]

    def pack(self, h, *finals):
        """(B, T + n, U): outputs h_1..h_T (batch-major, zeros on masked steps with
        zero_output_for_mask), then the final states."""
        t, b, u = h.shape[0] - 1, h.shape[1], h.shape[2]
        out = backend.xp.empty((b, t + len(finals), u), dtype=h.dtype)
        out[:, :t] = h[1:].transpose(1, 0, 2)
        if self.zero_output and self.mask is not None:
            out[:, :t] *= self.mask.T[:, :, None]
        for i, s in enumerate(finals):
            out[:, t + i] = s
        return out

    def output_grads(self, g):
        """dy (T, B, U) in walking order, and the final states' gradients."""
        xp = backend.xp
        t = self.x_t.shape[0]
        dy = xp.array(g[:, :t].transpose(1, 0, 2), order="C")  # a copy even for B = 1: masked below
        if self.zero_output and self.mask is not None:
            dy *= self.mask[:, :, None]
        return dy, [xp.array(g[:, t + i]) for i in range(g.shape[1] - t)]

    def input_grads(self, dp, w, with_bias):
        """dx (B, T, D) in the input's order, dW, db (of the input projection's bias) from
        dp (T, B, kU) = d(p)."""
        need = self.needs_input_grad
        t, b, k = dp.shape
        d = w.shape[0]
        dp2 = dp.reshape(t * b, k)
        dx = dw = db = None
        if need[0]:
            dx = (dp2 @ w.T).reshape(t, b, d).transpose(1, 0, 2)
            dx = backend.xp.ascontiguousarray(dx[:, ::-1] if self.go_backwards else dx)
        if need[1] or (with_bias and need[-1]):
            dwb = self.x_t.reshape(t * b, self.x_t.shape[2]).T @ dp2
            dw = dwb[:d] if need[1] else None
            db = dwb[d] if with_bias and need[-1] else None
        return dx, dw, db


class SimpleRNNSequence(Recurrence):
    """h_t = act(x_t W + b + h_{t-1} R);  da_t = dh_t act'(.),  dh_{t-1} = da_t R^T."""

    def forward(self, x, w, r, h0, bias=None, *, mask=None, go_backwards=False,
                zero_output_for_mask=False, activation="tanh"):
        xp = backend.xp
        a = self.prepare(x, w, bias, mask, go_backwards, zero_output_for_mask)
        steps, u = a.shape[0], r.shape[0]
        h = xp.empty((steps + 1,) + h0.shape, dtype=x.dtype)
        h[0] = h0
        k = kernels.steps(a, h)
        self.act = activation_code(activation)
        q = xp.empty_like(h0)
        self.h0_zero = not h0.any()  # then h_0 R = 0: the first product is skipped
        for t in range(steps):
            if t or not self.h0_zero:
                xp.matmul(h[t], r, out=q)
                a[t] += q
            k.simple_forward_step(a[t], h[t], self.step_mask(k, t), self.act, h[t + 1])
        self.w, self.r, self.h, self.with_bias, self.units = w, r, h, bias is not None, u
        return self.pack(h, h[steps])

    def backward(self, g):
        xp = backend.xp
        dy, (dh,) = self.output_grads(g)
        h, r = self.h, self.r
        steps = dy.shape[0]
        da = xp.empty((steps,) + dh.shape, dtype=dh.dtype)
        k = kernels.steps(dy, da, h)
        rt = xp.ascontiguousarray(r.T)
        passed = xp.empty_like(dh)
        for t in range(steps - 1, -1, -1):
            dh += dy[t]
            m = self.step_mask(k, t)
            k.simple_backward_step(dh, h[t + 1], m, self.act, da[t], passed)
            if t == 0 and not self.needs_input_grad[3]:  # dh_0 unused
                break
            dh = da[t] @ rt
            if self.mask is not None:
                dh += passed
        dx, dw, db = self.input_grads(da, self.w, self.with_bias)
        dr = recurrent_kernel_grad(h[:-1], da, self.h0_zero) if self.needs_input_grad[2] else None
        dh = dh if self.needs_input_grad[3] else None
        return (dx, dw, dr, dh) + ((db,) if self.with_bias else ())


def recurrent_kernel_grad(h_prev, da, h0_zero=False):
    """sum_t h_{t-1}^T da_t as one (U, T*B) @ (T*B, k) product (from t = 2 when h_0 = 0)."""
    if h0_zero:
        h_prev, da = h_prev[1:], da[1:]
    u, k = h_prev.shape[-1], da.shape[-1]
    return h_prev.reshape(-1, u).T @ da.reshape(-1, k)


def sequence_arguments(inputs, kernel, recurrent_kernel, bias, initial_states, units, where,
                       gates=1, bias_shape="default"):
    """Tensors of one float dtype; zeros for missing initial states; shape checks (kernel
    (D, gates*U), recurrent_kernel (U, gates*U), bias ``bias_shape``: (gates*U,) by default,
    None to leave it to the caller)."""
    x = as_tensor(inputs)
    if x.ndim != 3:
        raise ValueError(f"{where}: expected inputs of rank 3 (batch, timesteps, features). "
                         f"Received: inputs.shape={x.shape}")
    w, r = as_tensor(kernel, like=x), as_tensor(recurrent_kernel, like=x)
    if w.ndim != 2 or r.ndim != 2 or w.shape != (x.shape[2], gates * units) \
            or r.shape != (units, gates * units):
        raise ValueError(f"{where}: expected kernel (features, {gates}*units) = "
                         f"{(x.shape[2], gates * units)} and recurrent_kernel (units, {gates}*units) = "
                         f"{(units, gates * units)}. Received: kernel.shape={w.shape}, "
                         f"recurrent_kernel.shape={r.shape}")
    states = []
    for s in initial_states:
        if s is None:
            s = backend.xp.zeros((x.shape[0], units), dtype=x.dtype)
        s = as_tensor(s, like=x)
        if s.shape != (x.shape[0], units):
            raise ValueError(f"{where}: expected initial states of shape {(x.shape[0], units)}. "
                             f"Received: {s.shape}")
        states.append(s)
    b = None if bias is None else as_tensor(bias, like=x)
    expected = (gates * units,) if bias_shape == "default" else bias_shape
    if b is not None and expected is not None and b.shape != expected:
        raise ValueError(f"{where}: expected a bias of shape {expected}. Received: bias.shape={b.shape}")
    return x, w, r, states, b


def _split(packed, n):
    t = packed.shape[1] - n
    return (packed[:, :t],) + tuple(packed[:, t + i] for i in range(n))


def simple_rnn_sequence(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None,
                        go_backwards=False, zero_output_for_mask=False, activation="tanh"):
    """Keras's SimpleRNN over a whole sequence: (outputs (B, T, U), final h (B, U))."""
    units = recurrent_kernel.shape[0]
    x, w, r, (h0,), b = sequence_arguments(inputs, kernel, recurrent_kernel, bias, [initial_state],
                                           units, "simple_rnn_sequence")
    check_activation(activation, "simple_rnn_sequence")
    extra = () if b is None else (b,)
    packed = SimpleRNNSequence.apply(x, w, r, h0, *extra, mask=_mask(mask), go_backwards=go_backwards,
                                     zero_output_for_mask=zero_output_for_mask, activation=activation)
    return _split(packed, 1)


def _mask(mask):
    if mask is None:
        return None
    return mask.data if hasattr(mask, "data") else mask


def check_activation(name, where):
    if activation_code(name) is None:
        raise ValueError(f"{where}: the fused recurrence supports the activations "
                         f"{ACTIVATION_NAMES} and None. Received: {name!r}")
    return name


def __getattr__(name):
    """``lstm_sequence`` and ``gru_sequence`` are re-exported lazily: an import at the end of
    this module made ``import ...recurrent_lstm`` (or ``_gru``) fail when it came first."""
    if name == "lstm_sequence":
        from .recurrent_lstm import lstm_sequence
        return lstm_sequence
    if name == "gru_sequence":
        from .recurrent_gru import gru_sequence
        return gru_sequence
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
