"""Linear regression by hand: fit y = 2x + 1 + noise with tensors, backprop and SGD.

Forward:   y_hat = w * x + b
Loss:      L = mean((y_hat - y)^2)
Backward:  dL/dw = mean(2 (y_hat - y) x),  dL/db = mean(2 (y_hat - y))   (loss.backward())
Update:    w <- w - lr dL/dw,  b <- b - lr dL/db                          (optimizer.step())

Run: python examples/linear_regression.py
"""

import numpy as np

import shenjing as sj
from shenjing import optimizers


def main(steps=500, seed=0):
    rng = np.random.default_rng(seed)
    x = rng.uniform(-1, 1, size=(200,)).astype(np.float32)
    y = (2 * x + 1 + rng.normal(0, 0.1, size=x.shape)).astype(np.float32)

    w = sj.tensor(0.0, requires_grad=True)
    b = sj.tensor(0.0, requires_grad=True)
    optimizer = optimizers.SGD(learning_rate=0.1)
    for step in range(steps):
        y_hat = w * x + b
        loss = ((y_hat - y) ** 2).mean()
        loss.backward()
        optimizer.step([w, b])
        optimizer.zero_grad([w, b])
        if step % 100 == 0:
            print(f"step {step:4d}  loss {loss.item():.5f}  w {w.item():.4f}  b {b.item():.4f}")
    print(f"learned w = {w.item():.4f} (true 2), b = {b.item():.4f} (true 1)")
    return w.item(), b.item()


if __name__ == "__main__":
    main()
