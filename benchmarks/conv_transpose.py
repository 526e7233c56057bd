"""Conv2DTranspose forward + backward, shenjing against PyTorch's ConvTranspose2d on the CPU.

A DCGAN-like generator step: batch 64, 7x7x128 -> 14x14x64, kernel 4, stride 2, 'same'
(PyTorch: padding=1, which gives the same 14x14 output and crop). Prints the median time
per step of each and the ratio shenjing / torch. Not a test: nothing asserts on time.

    python benchmarks/conv_transpose.py [--batch 64] [--repeats 20]
"""

import argparse
import statistics
import time

import numpy as np


def _median_time(step, repeats):
    step()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        step()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=64)
    parser.add_argument("--repeats", type=int, default=20)
    args = parser.parse_args()
    r = np.random.default_rng(0)
    x = r.standard_normal((args.batch, 7, 7, 128)).astype("float32")
    kernel = (r.standard_normal((4, 4, 64, 128)) * 0.05).astype("float32")  # Keras: (kh, kw, out, in)
    g = r.standard_normal((args.batch, 14, 14, 64)).astype("float32")

    import shenjing
    from shenjing.ops.nn_conv import conv_transpose

    xs = shenjing.Tensor(x, requires_grad=True)
    ks = shenjing.Tensor(kernel, requires_grad=True)

    def shenjing_step():
        xs.grad = ks.grad = None
        y = conv_transpose(xs, ks, strides=2, padding="same")
        y.backward(g)

    import torch

    xt = torch.tensor(x.transpose(0, 3, 1, 2).copy(), requires_grad=True)
    kt = torch.tensor(kernel.transpose(3, 2, 0, 1).copy(), requires_grad=True)  # (in, out, kh, kw)
    gt = torch.tensor(g.transpose(0, 3, 1, 2).copy())
    ys = conv_transpose(shenjing.Tensor(x), shenjing.Tensor(kernel), strides=2, padding="same").numpy()
    yt = torch.nn.functional.conv_transpose2d(xt, kt, stride=2, padding=1).detach().numpy().transpose(0, 2, 3, 1)
    print(f"max |shenjing - torch| = {np.abs(ys - yt).max():.2e} (the same scatter: no kernel flip)")

    def torch_step():
        xt.grad = kt.grad = None
        y = torch.nn.functional.conv_transpose2d(xt, kt, stride=2, padding=1)
        y.backward(gt)

    t_sj = _median_time(shenjing_step, args.repeats)
    t_torch = _median_time(torch_step, args.repeats)
    print(f"Conv2DTranspose fwd+bwd, batch {args.batch}, 7x7x128 -> 14x14x64, k4 s2 same "
          f"(torch threads: {torch.get_num_threads()})")
    print(f"shenjing {t_sj * 1e3:.2f} ms   torch {t_torch * 1e3:.2f} ms   ratio {t_sj / t_torch:.2f}x")


if __name__ == "__main__":
    main()
