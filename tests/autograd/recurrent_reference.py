"""Plain NumPy loops of Keras's SimpleRNN, LSTM and GRU cells and of its backend's ``rnn`` (the
scan form: a masked step keeps the states and outputs the previous state, or zeros with
``zero_output_for_mask``; ``go_backwards`` walks the reversed sequence and returns the
outputs in walking order): the reference the fused ops are compared with."""

import numpy as np

ACT = {
    "tanh": np.tanh,
    "sigmoid": lambda a: 1 / (1 + np.exp(-a)),
    "relu": lambda a: np.maximum(a, 0),
    "linear": lambda a: a,
    None: lambda a: a,
    "hard_sigmoid": lambda a: np.clip(a / 6 + 0.5, 0, 1),
}


def run(step, x, states, mask=None, go_backwards=False, zero_output_for_mask=False):
    """outputs (B, T, U) in walking order and the final states."""
    order = range(x.shape[1] - 1, -1, -1) if go_backwards else range(x.shape[1])
    outputs = []
    for t in order:
        new = step(x[:, t], states)
        m = np.ones((x.shape[0], 1), bool) if mask is None else mask[:, t][:, None]
        out = np.where(m, new[0], 0 if zero_output_for_mask else states[0])
        states = [np.where(m, n, s) for n, s in zip(new, states)]
        outputs.append(out)
    return np.stack(outputs, axis=1), states


def simple_step(w, r, b, act="tanh"):
    def step(x, states):
        return [ACT[act](x @ w + (0 if b is None else b) + states[0] @ r)]
    return step


def lstm_step(w, r, b, act="tanh", ract="sigmoid"):
    def step(x, states):
        h, c = states
        z = x @ w + h @ r + (0 if b is None else b)
        i, f, g, o = np.split(z, 4, axis=-1)
        c = ACT[ract](f) * c + ACT[ract](i) * ACT[act](g)
        return [ACT[ract](o) * ACT[act](c), c]
    return step


def gru_step(w, r, b, reset_after=True, act="tanh", ract="sigmoid"):
    u = r.shape[0]

    def step(x, states):
        h = states[0]
        b_in = 0 if b is None else (b[0] if reset_after else b)
        p = x @ w + b_in
        if reset_after:
            q = h @ r + (0 if b is None else b[1])
            z, rr = ACT[ract](p[:, :u] + q[:, :u]), ACT[ract](p[:, u:2 * u] + q[:, u:2 * u])
            hh = ACT[act](p[:, 2 * u:] + rr * q[:, 2 * u:])
        else:
            q = h @ r[:, :2 * u]
            z, rr = ACT[ract](p[:, :u] + q[:, :u]), ACT[ract](p[:, u:2 * u] + q[:, u:])
            hh = ACT[act](p[:, 2 * u:] + (rr * h) @ r[:, 2 * u:])
        return [z * h + (1 - z) * hh]
    return step
