"""MultiHeadAttention forward + backward, shenjing against torch.nn.MultiheadAttention on the CPU.

Self-attention over a batch of sequences of 64 tokens of width 128, 4 heads of key_dim 32
(torch: embed_dim 128, num_heads 4, batch_first=True), the same weights in both (Keras's
query/key/value/attention_output kernels mapped to torch's in_proj and out_proj), the
gradient of sum(y * g) with respect to the input and every weight. Prints the outputs'
largest difference, the median time per step of each (the two timed alternately) and the
median ratio shenjing / torch, with
and without a causal mask. Not a test: nothing asserts on time.

    python benchmarks/attention.py [--batch 32] [--repeats 30] [--threads 2]
"""

import argparse
import os
import statistics
import time

import numpy as np


def _interleaved_times(step_a, step_b, repeats):
    """Median seconds of each step, timed alternately (a, b, a, b, ...) so that a change in
    the machine's load falls on both, and the median of the per-pair ratios a / b."""
    step_a(), step_b()  # warm-up
    times_a, times_b = [], []
    for _ in range(repeats):
        for step, times in ((step_a, times_a), (step_b, times_b)):
            start = time.perf_counter()
            step()
            times.append(time.perf_counter() - start)
    ratios = [a / b for a, b in zip(times_a, times_b)]
    return statistics.median(times_a), statistics.median(times_b), statistics.median(ratios)


def _torch_module(layer, torch, width, heads):
    """torch.nn.MultiheadAttention holding ``layer``'s weights (Keras kernels (in, N, H) are
    torch's weights transposed: y = x Wᵀ + b)."""
    mha = torch.nn.MultiheadAttention(width, heads, batch_first=True)
    w = {v.path.split("/")[-2] + "/" + v.name: v.numpy() for v in layer.weights}
    in_w = np.concatenate([w[f"{p}/kernel"].reshape(width, -1).T for p in ("query", "key", "value")])
    in_b = np.concatenate([w[f"{p}/bias"].reshape(-1) for p in ("query", "key", "value")])
    with torch.no_grad():
        mha.in_proj_weight.copy_(torch.from_numpy(in_w))
        mha.in_proj_bias.copy_(torch.from_numpy(in_b))
        mha.out_proj.weight.copy_(torch.from_numpy(w["attention_output/kernel"].reshape(-1, width).T.copy()))
        mha.out_proj.bias.copy_(torch.from_numpy(w["attention_output/bias"]))
    return mha


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--batch", type=int, default=32)
    parser.add_argument("--tokens", type=int, default=64)
    parser.add_argument("--width", type=int, default=128)
    parser.add_argument("--heads", type=int, default=4)
    parser.add_argument("--repeats", type=int, default=30)
    parser.add_argument("--threads", type=int, default=2, help="torch.set_num_threads")
    args = parser.parse_args()
    r = np.random.default_rng(0)
    shape = (args.batch, args.tokens, args.width)
    x = r.standard_normal(shape).astype("float32")
    g = r.standard_normal(shape).astype("float32")

    import shenjing
    from shenjing import layers

    layer = layers.MultiHeadAttention(num_heads=args.heads, key_dim=args.width // args.heads)
    layer.build(shape, shape)

    import torch

    torch.set_num_threads(args.threads)
    mha = _torch_module(layer, torch, args.width, args.heads)
    causal = torch.triu(torch.ones(args.tokens, args.tokens, dtype=torch.bool), 1)

    for use_causal in (False, True):
        xs = shenjing.Tensor(x, requires_grad=True)
        xt = torch.tensor(x, requires_grad=True)
        gt = torch.tensor(g)

        def shenjing_step():
            xs.grad = None
            layer.zero_grad()
            y = layer(xs, xs, use_causal_mask=use_causal)
            y.backward(g)
            return y

        def torch_step():
            xt.grad = None
            mha.zero_grad()
            y, _ = mha(xt, xt, xt, need_weights=False, attn_mask=causal if use_causal else None)
            y.backward(gt)
            return y

        diff = np.abs(shenjing_step().numpy() - torch_step().detach().numpy()).max()
        t_sj, t_torch, ratio = _interleaved_times(shenjing_step, torch_step, args.repeats)
        print(f"MultiHeadAttention fwd+bwd, batch {args.batch}, {args.tokens} tokens x {args.width}, "
              f"{args.heads} heads{', causal' if use_causal else ''} (torch threads: "
              f"{torch.get_num_threads()}; max |shenjing - torch| = {diff:.1e})")
        print(f"  shenjing {t_sj * 1e3:.2f} ms   torch {t_torch * 1e3:.2f} ms   "
              f"ratio {ratio:.2f}x (median of {args.repeats} alternated pairs)")
    print(f"load average: {os.getloadavg()}")


if __name__ == "__main__":
    main()
