"""Where a shenjing training step's time goes: per op (forward and backward) and outside the ops.

Runs N training steps of the benchmark's CNN or MLP on Fashion-MNIST, first plain
(the reference ms/step), then with timers wrapped around every op's ``forward``
and ``backward``, ``Function.apply``, the backward pass's helpers, the layers'
``__call__``, the loss, the optimizer and (``--path fit``) the trainer. Each timer
counts its own time only (time spent in a timed callee goes to the callee), so
the rows add up to the measured wall time.

The wrapping is done here, on the classes of this process only: shenjing's
source is not touched.

Run: python benchmarks/profile_epoch.py [--model cnn|mlp|mlp_softmax] [--steps 100] [--batch-size 64]
                                        [--path engine|fit] [--by-shape] [--cprofile 25] [--idle-wait 60]
"""

import argparse
import collections
import cProfile
import functools
import io
import os
import pstats
import sys
import time

import numpy as np

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import run as runner  # noqa: E402  (for wait_until_idle)
import shenjing_bench  # noqa: E402  (imports shenjing)
import workloads  # noqa: E402

import shenjing as sj  # noqa: E402
from shenjing import losses, models, optimizers  # noqa: E402
from shenjing.autograd import graph  # noqa: E402
from shenjing.autograd.function import Function  # noqa: E402
from shenjing.datasets import fashion_mnist  # noqa: E402
from shenjing.layers.layer import Layer  # noqa: E402
from shenjing.models.data_adapters import array_utils  # noqa: E402
from shenjing.models.trainer import Trainer  # noqa: E402
from shenjing.optimizers.optimizer import Optimizer  # noqa: E402

# Rows whose time is array work; every other row is Python around the arrays.
ARRAY_ROWS = ("op ", "engine: unbroadcast", "engine: accumulate leaf grads",
              "optimizer: Adam update arrays", "data: batch gather")


class Profiler:
    """Exclusive wall time per label: a stack of running timers, each minus its timed callees."""

    def __init__(self):
        self.total = collections.defaultdict(float)
        self.calls = collections.Counter()
        self.stack = []
        self.undo = []

    def enter(self, label):
        self.stack.append([label, time.perf_counter(), 0.0])

    def leave(self):
        label, start, inner = self.stack.pop()
        elapsed = time.perf_counter() - start
        self.total[label] += elapsed - inner
        self.calls[label] += 1
        if self.stack:
            self.stack[-1][2] += elapsed

    def timed(self, label, fn):
        """``fn`` wrapped; ``label`` is a string, or a function of the call's arguments."""
        profiler = self

        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            profiler.enter(label if isinstance(label, str) else label(args))
            try:
                return fn(*args, **kwargs)
            finally:
                profiler.leave()
        return wrapper

    def patch(self, owner, name, label):
        original = owner.__dict__[name]
        if isinstance(original, classmethod):
            replacement = classmethod(self.timed(label, original.__func__))
        elif isinstance(original, staticmethod):
            replacement = staticmethod(self.timed(label, original.__func__))
        else:
            replacement = self.timed(label, original)
        setattr(owner, name, replacement)
        self.undo.append((owner, name, original))

    def install(self, by_shape=False):
        def forward_label(args):
            # The class of the instance, so an inherited forward counts for its own op;
            # with by_shape, the first input's shape too (kept on the op for its backward).
            fn = args[0]
            name = type(fn).__name__
            if by_shape and len(args) > 1 and hasattr(args[1], "shape"):
                name = f"{name} {tuple(args[1].shape)}"
                fn._profile_name = name
            return f"op forward: {name}"

        def backward_label(args):
            fn = args[0]
            return f"op backward: {fn.__dict__.get('_profile_name') or type(fn).__name__}"

        for cls in _all_subclasses(Function):
            if "forward" in cls.__dict__:
                self.patch(cls, "forward", forward_label)
            if "backward" in cls.__dict__:
                self.patch(cls, "backward", backward_label)
        self.patch(Function, "apply", "engine: Function.apply (record the op)")
        self.patch(graph, "backward", "engine: backward loop (dispatch, grad dict, free)")
        self.patch(graph, "_topological_order", "engine: topological order")
        self.patch(graph, "unbroadcast", "engine: unbroadcast")
        self.patch(graph, "_accumulate", "engine: accumulate leaf grads")
        self.patch(Layer, "__call__", "layers: __call__ + call (Python)")
        self.patch(losses, "sparse_categorical_crossentropy", "loss: checks and labels (Python)")
        self.patch(Optimizer, "step", "optimizer: step (Python)")
        self.patch(Optimizer, "zero_grad", "optimizer: zero_grad")
        for cls in [Optimizer] + _all_subclasses(Optimizer):
            if "_update_step" in cls.__dict__:
                self.patch(cls, "_update_step", f"optimizer: {cls.__name__} update arrays")
        self.patch(Trainer, "train_step", "trainer: train_step (Python)")
        self.patch(Trainer, "compute_loss", "trainer: compute_loss (Python)")
        self.patch(Trainer, "compute_metrics", "trainer: metrics and logs")
        self.patch(Trainer, "fit", "trainer: fit loop, callbacks, shuffling")
        self.patch(array_utils, "take", "data: batch gather")

    def uninstall(self):
        for owner, name, original in reversed(self.undo):
            setattr(owner, name, original)
        self.undo.clear()


def _all_subclasses(cls):
    out, todo = [], list(cls.__subclasses__())
    while todo:
        sub = todo.pop()
        out.append(sub)
        todo.extend(sub.__subclasses__())
    return out


# -- the workload --------------------------------------------------------------------------
class Run:
    def __init__(self, args):
        spec = workloads.WORKLOADS[args.model]
        self.batch_size = args.batch_size or spec["batch_size"]
        sj.set_random_seed(args.seed)
        (x, y), _ = fashion_mnist.load_data(download=False)
        self.x, self.y = workloads.prepare_images(x, spec["image_shape"]), y.astype(np.int64)
        self.stack = shenjing_bench.build_layers(args.model)
        self.path = args.path
        self.logits = not workloads.outputs_probabilities(args.model)
        self.profiler = None
        if self.path == "fit":
            self.model = models.Sequential(self.stack)
            self.model.compile(optimizer=optimizers.Adam(learning_rate=workloads.LEARNING_RATE),
                               loss=shenjing_bench.loss_argument(args.model),
                               metrics=["accuracy"])
        else:
            self.optimizer = optimizers.Adam(learning_rate=workloads.LEARNING_RATE)
        self.orders = workloads.epoch_orders(len(self.x), args.seed)
        self.order, self.position = next(self.orders), 0

    def _batch(self):
        if self.position + self.batch_size > len(self.order):
            self.order, self.position = next(self.orders), 0
        batch = self.order[self.position:self.position + self.batch_size]
        self.position += self.batch_size
        return batch

    def steps(self, n):
        """n training steps; returns the wall seconds."""
        if self.path == "fit":
            t0 = time.perf_counter()
            self.model.fit(self.x, self.y, batch_size=self.batch_size, epochs=1, verbose=0, shuffle=True,
                           steps_per_epoch=n)
            return time.perf_counter() - t0
        stack, optimizer, profiler = self.stack, self.optimizer, self.profiler
        t0 = time.perf_counter()
        for _ in range(n):
            batch = self._batch()
            if profiler:
                profiler.enter("data: batch gather")
            xb, yb = self.x[batch], self.y[batch]
            if profiler:
                profiler.leave()
            out = shenjing_bench.forward(stack, xb, training=True)
            loss = losses.sparse_categorical_crossentropy(yb, out, from_logits=self.logits).mean()
            weights = [w for layer in stack for w in layer.trainable_weights]
            loss.backward()
            optimizer.step(weights)
            optimizer.zero_grad(weights)
        return time.perf_counter() - t0


def report(profiler, wall, steps, plain_wall, title):
    total = profiler.total
    accounted = sum(total.values())
    total = dict(total)
    total["loop: the rest (the script's own loop, layer.trainable_weights, ...)"] = max(0.0, wall - accounted)
    per_step = 1e3 / steps

    print(f"\n{title}")
    print(f"{steps} steps: {plain_wall * per_step:.2f} ms/step plain, {wall * per_step:.2f} ms/step profiled "
          f"(instrumentation {100 * (wall / plain_wall - 1):+.0f}%); rows below are ms over the "
          f"{steps} profiled steps and % of their wall time\n")

    ops = sorted({k.split(": ", 1)[1] for k in total if k.startswith("op ")},
                 key=lambda op: -(total.get(f"op forward: {op}", 0) + total.get(f"op backward: {op}", 0)))
    width = max([24] + [len(op) + 1 for op in ops])
    print(f"{'op':{width}s} {'fwd ms':>9s} {'fwd %':>6s} {'calls':>6s} {'bwd ms':>9s} {'bwd %':>6s} {'calls':>6s} "
          f"{'ms/step':>8s} {'total %':>7s}")
    op_total = 0.0
    for op in ops:
        f, b = total.get(f"op forward: {op}", 0.0), total.get(f"op backward: {op}", 0.0)
        fc, bc = profiler.calls.get(f"op forward: {op}", 0), profiler.calls.get(f"op backward: {op}", 0)
        op_total += f + b
        print(f"{op:{width}s} {f * 1e3:9.1f} {100 * f / wall:6.1f} {fc:6d} {b * 1e3:9.1f} {100 * b / wall:6.1f} "
              f"{bc:6d} {(f + b) * per_step:8.2f} {100 * (f + b) / wall:7.1f}")
    fwd = sum(v for k, v in total.items() if k.startswith("op forward"))
    bwd = sum(v for k, v in total.items() if k.startswith("op backward"))
    print(f"{'all ops':{width}s} {fwd * 1e3:9.1f} {100 * fwd / wall:6.1f} {'':6s} {bwd * 1e3:9.1f} "
          f"{100 * bwd / wall:6.1f} {'':6s} {op_total * per_step:8.2f} {100 * op_total / wall:7.1f}")

    print(f"\n{'outside the ops':66s} {'ms':>9s} {'calls':>7s} {'ms/step':>8s} {'%':>6s}")
    for label, seconds in sorted(total.items(), key=lambda kv: -kv[1]):
        if label.startswith("op ") or seconds == 0:
            continue
        print(f"{label:66s} {seconds * 1e3:9.1f} {profiler.calls.get(label, 0):7d} {seconds * per_step:8.2f} "
              f"{100 * seconds / wall:6.1f}")

    array = sum(v for k, v in total.items() if k.startswith(ARRAY_ROWS))
    print(f"\narray work (op forward/backward bodies, unbroadcast, gradient accumulation, optimizer "
          f"arithmetic, batch gather): {array * per_step:.2f} ms/step ({100 * array / wall:.0f}%)")
    print(f"Python around it (recording ops, the backward loop, layers, loss checks, optimizer "
          f"bookkeeping, the loop): {(wall - array) * per_step:.2f} ms/step ({100 * (wall - array) / wall:.0f}%)")
    print("(op bodies hold some Python of their own, e.g. shape arithmetic; the instrumentation's own "
          "cost lands mostly in the Python rows)")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["cnn", "mlp", "mlp_softmax"], default="cnn")
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--batch-size", type=int, default=None, help="default: 64 for cnn, 32 for mlp")
    parser.add_argument("--path", choices=["engine", "fit"], default="engine",
                        help="the bare engine loop, or model.fit(steps_per_epoch=steps)")
    parser.add_argument("--warmup", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--by-shape", action="store_true",
                        help="one row per op and input shape (e.g. each convolution layer apart)")
    parser.add_argument("--idle-wait", type=float, default=60,
                        help="first wait up to this many seconds for other processes to leave the CPU")
    parser.add_argument("--cprofile", type=int, default=0, metavar="N",
                        help="also run the steps under cProfile and print the top N functions by own time")
    args = parser.parse_args()

    run = Run(args)
    run.steps(args.warmup)
    runner.wait_until_idle(args.idle_wait)
    with workloads.Timed() as plain_timer:
        plain = run.steps(args.steps)
    profiler = Profiler()
    run.profiler = profiler
    profiler.install(by_shape=args.by_shape)
    try:
        with workloads.Timed() as timer:
            wall = run.steps(args.steps)
    finally:
        profiler.uninstall()
        run.profiler = None
    blas = os.environ.get("OPENBLAS_CORETYPE")
    title = (f"shenjing {args.model} (batch {run.batch_size}), {args.path} path, "
             f"OPENBLAS_CORETYPE={blas or 'unset'}, OPENBLAS_L2_SIZE={os.environ.get('OPENBLAS_L2_SIZE') or 'unset'}")
    report(profiler, wall, args.steps, plain, title)
    foreign = max(plain_timer.foreign_cores or 0.0, timer.foreign_cores or 0.0)
    print(f"\nother processes kept {plain_timer.foreign_cores or 0:.2f} cores busy during the plain steps and "
          f"{timer.foreign_cores or 0:.2f} during the profiled ones (load average {os.getloadavg()[0]:.2f})"
          + ("  ** the machine was shared: rerun when it is idle **" if foreign > 0.15 else ""))

    if args.cprofile:
        profile = cProfile.Profile()
        profile.enable()
        run.steps(args.steps)
        profile.disable()
        out = io.StringIO()
        pstats.Stats(profile, stream=out).sort_stats("tottime").print_stats(args.cprofile)
        print("\ncProfile, by own time:")
        print("\n".join(line for line in out.getvalue().splitlines() if line.strip())[:20000])


if __name__ == "__main__":
    main()
