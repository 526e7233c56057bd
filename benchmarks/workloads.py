"""What the benchmark runs, shared by the runner and both framework workers.

The workloads (models, batch sizes), the data (Fashion-MNIST, images / 255 as
float32), the shuffling (one ``numpy.random.default_rng(seed).permutation`` per
epoch), the FLOP count of a model from its layer shapes, and the line protocol
between ``run.py`` and a worker process.

This module imports NumPy only: the torch worker must not pay for shenjing's
import (nor the shenjing worker for torch's), so that each process's import
time and peak memory are its own framework's.
"""

import json
import os
import resource
import sys
import time

import numpy as np

# The three workloads. Layers are written once, as data, and built by each worker.
CNN_LAYERS = [
    ("conv", 32, 3), ("maxpool", 2), ("conv", 64, 3), ("maxpool", 2), ("conv", 64, 3),
    ("flatten",), ("dense", 64, "relu"), ("dense", 10, None),
]
MLP_LAYERS = [("flatten",), ("dense", 128, "relu"), ("dropout", 0.2), ("dense", 10, None)]
# The tutorials' form: a softmax output layer and the cross-entropy on probabilities
# (shenjing computes it fused from the softmax's logits; torch: LogSoftmax + NLLLoss).
MLP_SOFTMAX_LAYERS = MLP_LAYERS[:-1] + [("dense", 10, "softmax")]

WORKLOADS = {
    "cnn": {"layers": CNN_LAYERS, "batch_size": 64, "image_shape": (28, 28, 1),
            "title": "CNN (3 conv + 2 dense), batch 64"},
    "mlp": {"layers": MLP_LAYERS, "batch_size": 32, "image_shape": (28, 28),
            "title": "MLP (784-128-10, dropout 0.2), batch 32"},
    "cnn256": {"layers": CNN_LAYERS, "batch_size": 256, "image_shape": (28, 28, 1),
               "title": "CNN, batch 256"},
    "mlp_softmax": {"layers": MLP_SOFTMAX_LAYERS, "batch_size": 32, "image_shape": (28, 28),
                    "probabilities": True,
                    "title": "MLP with Dense(10, softmax) + sparse_categorical_crossentropy "
                             "on probabilities, batch 32"},
}


# The recurrent workloads (issue 11): each image read as a sequence of 28 rows of 28 pixels.
WORKLOADS.update({
    "lstm": {"layers": [("lstm", 128), ("dense", 10, None)], "batch_size": 64, "image_shape": (28, 28),
             "sequence": True, "title": "LSTM(128) - Dense(10) over 28 rows of 28 pixels, batch 64"},
    "gru": {"layers": [("gru", 128), ("dense", 10, None)], "batch_size": 64, "image_shape": (28, 28),
            "sequence": True, "title": "GRU(128) - Dense(10) over 28 rows of 28 pixels, batch 64"},
})
RECURRENT_GATES = {"lstm": 4, "gru": 3}


def outputs_probabilities(workload):
    """Whether the model ends in a softmax and the loss takes probabilities (else logits)."""
    return WORKLOADS[workload].get("probabilities", False)

LEARNING_RATE = 1e-3
EPSILON = 1e-7          # Keras's Adam epsilon (torch's default is 1e-8)
INFER_BATCH = 1000


# -- data ------------------------------------------------------------------------------
def prepare_images(x_uint8, image_shape):
    """uint8 (N, 28, 28) -> float32 in [0, 1], shaped (N, *image_shape) channels-last."""
    x = (x_uint8 / np.float32(255)).astype(np.float32, copy=False)  # float32 already: no second copy
    return x.reshape((len(x),) + tuple(image_shape))


def load_prepared(npz_path, image_shape, limit=None, test_limit=None):
    """The arrays that ``run.py`` saved (uint8, straight from shenjing's loader), prepared."""
    with np.load(npz_path, allow_pickle=False) as data:
        x_train, y_train = data["x_train"], data["y_train"]
        x_test, y_test = data["x_test"], data["y_test"]
    if limit:
        x_train, y_train = x_train[:limit], y_train[:limit]
    if test_limit:
        x_test, y_test = x_test[:test_limit], y_test[:test_limit]
    return (prepare_images(x_train, image_shape), y_train.astype(np.int64),
            prepare_images(x_test, image_shape), y_test.astype(np.int64))


def epoch_orders(n, seed):
    """The shuffled sample order of epoch 0, 1, 2, ...: the same in every engine-loop worker."""
    rng = np.random.default_rng(seed)
    while True:
        yield rng.permutation(n)


# -- FLOPs -----------------------------------------------------------------------------
def gemm_shapes(workload, batch_size=None):
    """The matrix products of one training step, as shenjing's engine does them now.

    Returns [(label, M, K, N, count, transposed)] where the product is (M, K) @ (K, N),
    ``count`` times per step. Convolution is im2col: forward cols @ K, dK = cols^T @ g,
    dx = kh*kw products g @ K[a, b]^T (none for the first layer: its input needs no
    gradient). Dense: x @ W, dW = x^T @ g, dx = g @ W^T (none for the first layer).
    """
    spec = WORKLOADS[workload]
    b = batch_size or spec["batch_size"]
    shape = spec["image_shape"]
    h, w, c = (shape + (1,))[:3] if len(shape) == 2 else shape
    features = None
    first = True
    shapes = []
    for layer in spec["layers"]:
        kind = layer[0]
        if kind == "conv":
            f, k = layer[1], layer[2]
            ho, wo = h - k + 1, w - k + 1
            m, kk = b * ho * wo, k * k * c
            shapes.append((f"conv{k}x{k} {c}->{f} fwd", m, kk, f, 1, ""))
            shapes.append((f"conv{k}x{k} {c}->{f} dK", kk, m, f, 1, "A^T"))
            if not first:
                shapes.append((f"conv{k}x{k} {c}->{f} dx", m, f, c, k * k, "B^T"))
            h, w, c = ho, wo, f
            first = False
        elif kind == "maxpool":
            p = layer[1]
            h, w = h // p, w // p
        elif kind == "flatten":
            features = h * w * c
        elif kind in RECURRENT_GATES:
            # The fused op: every step's input product at once (the bias as a row of ones),
            # one h R per step (none for h_0 = 0); backward dh R^T per step, then dR and dW
            # over all steps at once (no dx: the first layer's input needs no gradient).
            steps, d, u, ku = h, w * c, layer[1], RECURRENT_GATES[kind] * layer[1]
            shapes.append((f"{kind} x W fwd", b * steps, d + 1, ku, 1, ""))
            shapes.append((f"{kind} h R fwd", b, u, ku, steps - 1, ""))
            shapes.append((f"{kind} dh R^T", b, ku, u, steps - 1, "B^T"))
            shapes.append((f"{kind} dR", u, b * (steps - 1), ku, 1, "A^T"))
            shapes.append((f"{kind} dW", d + 1, b * steps, ku, 1, "A^T"))
            features, first = u, False
        elif kind == "dense":
            units = layer[1]
            shapes.append((f"dense {features}->{units} fwd", b, features, units, 1, ""))
            shapes.append((f"dense {features}->{units} dW", features, b, units, 1, "A^T"))
            if not first:
                shapes.append((f"dense {features}->{units} dx", b, units, features, 1, "B^T"))
            features = units
            first = False
    return shapes


def train_flops_per_sample(workload):
    """Forward + backward FLOPs of one sample (2 per multiply-add, GEMMs only)."""
    b = WORKLOADS[workload]["batch_size"]
    return sum(2 * m * k * n * count for _, m, k, n, count, _ in gemm_shapes(workload)) / b


def forward_flops_per_sample(workload):
    b = WORKLOADS[workload]["batch_size"]
    return sum(2 * m * k * n * count for label, m, k, n, count, _ in gemm_shapes(workload)
               if label.endswith("fwd")) / b


# -- process measurements --------------------------------------------------------------
def peak_rss_mib():
    """Peak resident memory of this process: ru_maxrss (KiB on Linux) and VmHWM."""
    maxrss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    hwm = None
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmHWM:"):
                    hwm = int(line.split()[1]) / 1024
    except OSError:
        pass
    return {"ru_maxrss_mib": round(maxrss, 1), "vmhwm_mib": None if hwm is None else round(hwm, 1)}


def training_peak():
    """The process's peak so far, read after an epoch's training loop and before its test
    evaluation: after the first epoch, the peak of setup plus training alone (the target
    is about memory while training; inference at batch 1,000 comes after)."""
    return {"peak_after_training_mib": peak_rss_mib()["ru_maxrss_mib"]}


def reset_peak_rss():
    """Reset VmHWM to the current RSS (Linux >= 4.0: write 5 to /proc/self/clear_refs).

    Done after setup, so that VmHWM at the end is the peak of training and inference
    alone (ru_maxrss keeps the whole process's peak). Returns whether it worked.
    """
    try:
        with open("/proc/self/clear_refs", "w") as f:
            f.write("5")
        return True
    except OSError:
        return False


def current_rss_mib():
    try:
        with open("/proc/self/status") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        return None


def cpu_seconds():
    """User + system CPU time of this process, all its threads included."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _usage():
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime, usage.ru_stime, usage.ru_minflt


def machine_busy_seconds():
    """CPU seconds the whole machine spent busy since boot (all cores, /proc/stat), or None."""
    try:
        with open("/proc/stat") as f:
            fields = [int(v) for v in f.readline().split()[1:]]
    except OSError:
        return None
    # user nice system idle iowait irq softirq steal (guest time is already in user)
    busy = sum(fields[:3]) + sum(fields[5:8])
    return busy / os.sysconf("SC_CLK_TCK")


class Timed:
    """``with Timed() as t: ...`` -> t.wall, t.cpu (this process) and t.foreign_cores.

    ``foreign_cores`` is the mean number of cores that other processes kept busy
    meanwhile: the machine's busy time minus this process's, over the wall time.
    """

    def __enter__(self):
        self.busy0, self.usage0, self.t0 = machine_busy_seconds(), _usage(), time.perf_counter()
        return self

    def __exit__(self, *exc):
        self.wall = time.perf_counter() - self.t0
        usage = _usage()
        self.cpu = usage[0] - self.usage0[0]
        self.system = usage[1] - self.usage0[1]    # kernel time: page faults, mmap/munmap, ...
        self.minor_faults = usage[2] - self.usage0[2]
        busy1 = machine_busy_seconds()
        self.foreign_cores = None if busy1 is None else max(0.0, (busy1 - self.busy0 - self.cpu) / self.wall)
        return False

    def as_dict(self):
        return {"seconds": self.wall, "cpu_seconds": self.cpu, "system_seconds": self.system,
                "minor_faults": self.minor_faults, "foreign_cores": self.foreign_cores}


# -- the worker side of the protocol ----------------------------------------------------
def serve(worker):
    """Answer ``run.py``'s commands, one JSON object per line on stdin / stdout.

    The worker's own prints go to stderr, so stdout carries the protocol only.
    ``worker`` has ``setup() -> dict``, ``epoch() -> dict``, ``infer() -> dict``.
    """
    channel = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    sys.stdout = sys.stderr

    def reply(obj):
        channel.write(json.dumps(obj) + "\n")
        channel.flush()

    try:
        info = worker.setup()
        reply({"ready": True, **info, "rss_after_setup_mib": current_rss_mib(),
               "setup_peak": peak_rss_mib(), "hwm_reset": reset_peak_rss()})
        for line in sys.stdin:
            command = json.loads(line)["cmd"]
            if command == "epoch":
                reply(worker.epoch())
            elif command == "infer":
                reply(worker.infer())
            elif command == "finish":
                reply({"peak": peak_rss_mib(), "rss_end_mib": current_rss_mib()})
                return
            else:
                reply({"error": f"unknown command {command!r}"})
    except Exception as exc:  # reported to the runner, which stops with the message
        import traceback
        traceback.print_exc()
        reply({"error": f"{type(exc).__name__}: {exc}"})


def time_inference(predict_batches, n_images, min_repeats=3, min_seconds=1.0):
    """Images per second of ``predict_batches()`` (one pass over the test set).

    One warm-up pass, then passes until ``min_repeats`` are done and ``min_seconds``
    spent (small models take milliseconds a pass); the median pass is reported.
    """
    predict_batches()  # warm-up: first-call allocations, lazy builds
    times = []
    while len(times) < min_repeats or sum(times) < min_seconds:
        t0 = time.perf_counter()
        predict_batches()
        times.append(time.perf_counter() - t0)
    times.sort()
    return {"images_per_s": n_images / times[len(times) // 2],
            "images_per_s_best": n_images / times[0], "passes": len(times)}


def worker_arguments(description):
    import argparse
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--workload", choices=sorted(WORKLOADS), required=True)
    parser.add_argument("--data", required=True, help="the .npz that run.py wrote")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None, help="first N training images only")
    parser.add_argument("--test-limit", type=int, default=None)
    return parser
