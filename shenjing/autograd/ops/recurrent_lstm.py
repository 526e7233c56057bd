"""LSTM over a whole sequence in one op (Keras's gate order i, f, c, o).

    [i, f, g, o] = [ract, ract, act, ract](x_t W + b + h_{t-1} R)
    c_t = f c_{t-1} + i g,   h_t = o act(c_t)
backward, with dh_t and dc_t reaching step t:
    dc = dc_t + dh_t o act'(c_t);  d[i, f, g, o] = [dc g, dc c_{t-1}, dc i, dh_t act(c_t)] * derivatives
    dc_{t-1} = dc f,  dh_{t-1} = d[i, f, g, o] R^T
(see ``recurrent`` for the whole-sequence cut and the mask contract).
"""

from ... import backend
from ...backend.kernels import recurrent as kernels
from .recurrent import Recurrence, _mask, _split, activation_code, check_activation, \
    recurrent_kernel_grad, sequence_arguments


class LSTMSequence(Recurrence):
    """Packed output (B, T + 2, U): outputs, final h, final c."""

    def forward(self, x, w, r, h0, c0, bias=None, *, mask=None, go_backwards=False,
                zero_output_for_mask=False, activation="tanh", recurrent_activation="sigmoid"):
        xp = backend.xp
        z = self.prepare(x, w, bias, mask, go_backwards, zero_output_for_mask)  # (T, B, 4U)
        steps = z.shape[0]
        shape = (steps + 1,) + h0.shape
        h, c = xp.empty(shape, dtype=x.dtype), xp.empty(shape, dtype=x.dtype)
        tc = xp.empty((steps,) + h0.shape, dtype=x.dtype)
        h[0], c[0] = h0, c0
        self.act, self.ract = activation_code(activation), activation_code(recurrent_activation)
        k = kernels.steps(z, h, c)
        q = xp.empty_like(z[0])
        self.h0_zero = not h0.any()  # then the first step's h_0 R is 0 and adds nothing to dR
        for t in range(steps):
            if t or not self.h0_zero:
                xp.matmul(h[t], r, out=q)
            else:
                q.fill(0)
            k.lstm_forward_step(z[t], q, c[t], h[t], self.step_mask(k, t), self.act, self.ract,
                                c[t + 1], tc[t], h[t + 1])
        if self.requires_grad:
            self.w, self.r, self.z, self.h, self.c, self.tc = w, r, z, h, c, tc
            self.with_bias = bias is not None
        return self.pack(h, h[steps], c[steps])

    def backward(self, g):
        xp = backend.xp
        dy, (dh_last, dc) = self.output_grads(g)
        z, h, c, tc, r = self.z, self.h, self.c, self.tc, self.r
        steps = dy.shape[0]
        dz = xp.empty_like(z)
        k = kernels.steps(dy, dz, h, c)
        rt = xp.ascontiguousarray(r.T)
        dh = dh_last
        dc_prev, passed = xp.empty_like(dc), xp.empty_like(dc)
        for t in range(steps - 1, -1, -1):
            dh += dy[t]
            k.lstm_backward_step(dh, dc, z[t], c[t], tc[t], self.step_mask(k, t), self.act,
                                 self.ract, dz[t], dc_prev, passed)
            dc, dc_prev = dc_prev, dc
            if t == 0 and not self.needs_input_grad[3]:  # dh_0 unused
                break
            dh = dz[t] @ rt
            if self.mask is not None:
                dh += passed
        dx, dw, db = self.input_grads(dz, self.w, self.with_bias)
        dr = recurrent_kernel_grad(h[:-1], dz, self.h0_zero) if self.needs_input_grad[2] else None
        need = self.needs_input_grad
        return (dx, dw, dr, dh if need[3] else None, dc if need[4] else None) + ((db,) if self.with_bias else ())


def lstm_sequence(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None,
                  go_backwards=False, zero_output_for_mask=False, activation="tanh",
                  recurrent_activation="sigmoid"):
    """Keras's LSTM over a whole sequence: (outputs (B, T, U), final h, final c).

    kernel (D, 4U), recurrent_kernel (U, 4U), bias (4U,) or None, initial_state [h0, c0]
    or None (zeros)."""
    units = recurrent_kernel.shape[0]
    h0, c0 = initial_state if initial_state is not None else (None, None)
    x, w, r, (h0, c0), b = sequence_arguments(inputs, kernel, recurrent_kernel, bias, [h0, c0],
                                              units, "lstm_sequence", gates=4)
    check_activation(activation, "lstm_sequence")
    check_activation(recurrent_activation, "lstm_sequence")
    extra = () if b is None else (b,)
    packed = LSTMSequence.apply(x, w, r, h0, c0, *extra, mask=_mask(mask), go_backwards=go_backwards,
                                zero_output_for_mask=zero_output_for_mask, activation=activation,
                                recurrent_activation=recurrent_activation)
    return _split(packed, 2)
