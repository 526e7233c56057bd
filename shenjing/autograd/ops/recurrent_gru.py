"""GRU over a whole sequence in one op (Keras's gate order z, r, h; both reset_after forms).

With p_t = x_t W + b_in (split [p_z, p_r, p_h]):
    reset_after=True  (bias (2, 3U): b_in, b_rec):  q = h_{t-1} R + b_rec
        z = ract(p_z + q_z),  r = ract(p_r + q_r),  hh = act(p_h + r q_h)
    reset_after=False (bias (3U,)):  q_zr = h_{t-1} R[:, :2U]
        z = ract(p_z + q_z),  r = ract(p_r + q_r),  hh = act(p_h + (r h_{t-1}) R[:, 2U:])
    h_t = z h_{t-1} + (1 - z) hh
backward: dz = dh (h_{t-1} - hh), dhh = dh (1 - z), dh_{t-1} = dh z + (the products' adjoints);
with reset_after, dR = [h_{t-1}]^T [dq] after the loop; without, dR[:, :2U] = [h_{t-1}]^T
[dp_zr] and dR[:, 2U:] = [r h_{t-1}]^T [dp_h].
"""

from ... import backend
from ...backend.kernels import recurrent as kernels
from .recurrent import Recurrence, _mask, _split, activation_code, check_activation, \
    recurrent_kernel_grad, sequence_arguments


class GRUSequence(Recurrence):
    """Packed output (B, T + 1, U): outputs, final h."""

    def forward(self, x, w, r, h0, bias=None, *, mask=None, go_backwards=False,
                zero_output_for_mask=False, activation="tanh", recurrent_activation="sigmoid",
                reset_after=True):
        xp = backend.xp
        self.reset_after, self.with_bias = reset_after, bias is not None
        b_in = None if bias is None else (bias[0] if reset_after else bias)
        p = self.prepare(x, w, b_in, mask, go_backwards, zero_output_for_mask)  # (T, B, 3U)
        steps, u = p.shape[0], r.shape[0]
        h = xp.empty((steps + 1,) + h0.shape, dtype=x.dtype)
        h[0] = h0
        gates = xp.empty_like(p)
        self.act, self.ract = activation_code(activation), activation_code(recurrent_activation)
        k = kernels.steps(p, h, gates)
        self.h0_zero = not h0.any()  # then the first step's products are 0: skipped
        if reset_after:
            q = xp.empty_like(p)  # kept: backward needs q_h
            for t in range(steps):
                if t or not self.h0_zero:
                    xp.matmul(h[t], r, out=q[t])
                else:
                    q[t].fill(0)
                if bias is not None:
                    q[t] += bias[1]
                k.gru_after_forward_step(p[t], q[t], h[t], self.step_mask(k, t), self.act, self.ract,
                                         gates[t], h[t + 1])
            self.q = q
        else:
            r_zr, r_h = xp.ascontiguousarray(r[:, :2 * u]), xp.ascontiguousarray(r[:, 2 * u:])
            q, qh = xp.empty((x.shape[0], 2 * u), dtype=x.dtype), xp.empty_like(h0)
            rh = xp.empty((steps,) + h0.shape, dtype=x.dtype)
            for t in range(steps):
                skip = t == 0 and self.h0_zero
                q.fill(0) if skip else xp.matmul(h[t], r_zr, out=q)
                k.gru_before_gates_step(p[t], q, h[t], self.act, self.ract, gates[t], rh[t])
                qh.fill(0) if skip else xp.matmul(rh[t], r_h, out=qh)
                k.gru_before_forward_step(p[t], qh, h[t], self.step_mask(k, t), self.act, self.ract,
                                          gates[t], h[t + 1])
            self.rh, self.r_zr, self.r_h = rh, r_zr, r_h
        self.w, self.r, self.h, self.gates = w, r, h, gates
        return self.pack(h, h[steps])

    def backward(self, g):
        xp = backend.xp
        dy, (dh,) = self.output_grads(g)
        h, gates, r = self.h, self.gates, self.r
        steps, u = dy.shape[0], r.shape[0]
        dp = xp.empty_like(gates)
        direct = xp.empty_like(dh)
        k = kernels.steps(dy, dp, h, gates)
        need = self.needs_input_grad
        last = 0 if need[3] else 1  # dh_0 unused: the first step's products back are skipped
        if self.reset_after:
            dq = xp.empty_like(gates)
            rt = xp.ascontiguousarray(r.T)
            for t in range(steps - 1, -1, -1):
                dh += dy[t]
                k.gru_after_backward_step(dh, gates[t], self.q[t], h[t], self.step_mask(k, t),
                                          self.act, self.ract, dp[t], dq[t], direct)
                if t < last:
                    break
                dh = dq[t] @ rt
                dh += direct
        else:
            rt_zr, rt_h = xp.ascontiguousarray(self.r_zr.T), xp.ascontiguousarray(self.r_h.T)
            for t in range(steps - 1, -1, -1):
                dh += dy[t]
                k.gru_before_backward_hh(dh, gates[t], h[t], self.step_mask(k, t), self.act, self.ract,
                                         dp[t], direct)
                # d(r h_0) matters for dr only where h_0 != 0, and for dh_0 only if it is used
                zero = t < last and self.h0_zero
                drh = xp.zeros_like(dh) if zero else dp[t, :, 2 * u:] @ rt_h
                k.gru_before_backward_zr(drh, gates[t], h[t], self.act, self.ract, dp[t], direct)
                if t < last:
                    break
                dh = dp[t, :, :2 * u] @ rt_zr
                dh += direct
        dx, dw, db_in = self.input_grads(dp, self.w, self.with_bias)
        dh = dh if need[3] else None
        dr = None
        if need[2] and self.reset_after:
            dr = recurrent_kernel_grad(h[:-1], dq, self.h0_zero)
        elif need[2]:
            dr = xp.empty_like(r)
            dr[:, :2 * u] = recurrent_kernel_grad(h[:-1], dp[:, :, :2 * u], self.h0_zero)
            dr[:, 2 * u:] = recurrent_kernel_grad(self.rh, dp[:, :, 2 * u:], self.h0_zero)
        if not self.with_bias:
            return dx, dw, dr, dh
        if not need[4]:
            return dx, dw, dr, dh, None
        if not self.reset_after:
            return dx, dw, dr, dh, db_in
        t, b = dq.shape[:2]
        return dx, dw, dr, dh, xp.stack([db_in, xp.ones(t * b, dtype=dq.dtype) @ dq.reshape(t * b, dq.shape[2])])


def gru_sequence(inputs, kernel, recurrent_kernel, bias=None, initial_state=None, mask=None,
                 go_backwards=False, zero_output_for_mask=False, activation="tanh",
                 recurrent_activation="sigmoid", reset_after=True):
    """Keras's GRU over a whole sequence: (outputs (B, T, U), final h).

    kernel (D, 3U), recurrent_kernel (U, 3U), bias (2, 3U) with reset_after, else (3U,),
    or None; initial_state h0 (B, U) or None (zeros)."""
    units = recurrent_kernel.shape[0]
    if isinstance(initial_state, (list, tuple)):
        (initial_state,) = initial_state
    x, w, r, (h0,), b = sequence_arguments(inputs, kernel, recurrent_kernel, bias, [initial_state],
                                           units, "gru_sequence", gates=3,
                                           bias_shape=None)
    check_activation(activation, "gru_sequence")
    check_activation(recurrent_activation, "gru_sequence")
    expected = (2, 3 * units) if reset_after else (3 * units,)
    if b is not None and b.shape != expected:
        raise ValueError(f"gru_sequence: expected a bias of shape {expected} with "
                         f"reset_after={reset_after}. Received: bias.shape={b.shape}")
    extra = () if b is None else (b,)
    packed = GRUSequence.apply(x, w, r, h0, *extra, mask=_mask(mask), go_backwards=go_backwards,
                               zero_output_for_mask=zero_output_for_mask, activation=activation,
                               recurrent_activation=recurrent_activation, reset_after=reset_after)
    return _split(packed, 1)
