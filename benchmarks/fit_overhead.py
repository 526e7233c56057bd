"""fit's own cost per step: CPU time of ``model.fit`` on models so small that the array work is
negligible, one BLAS thread, best of ``--repeats`` epochs. Compare two trees by running it in
each (``PYTHONPATH=<tree> python benchmarks/fit_overhead.py``), alternately, several times: the
host's run-to-run noise is often larger than a change's effect.

Usage: python benchmarks/fit_overhead.py [--steps 1500] [--repeats 5] [--label NAME]
"""

import argparse
import os
import time

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import numpy as np  # noqa: E402

import shenjing  # noqa: E402
from shenjing import keras  # noqa: E402

MODELS = {  # name: (hidden units or None, batch size)
    "tiny": (None, 8),     # Dense(4): fit's Python and the op dispatch, almost nothing else
    "mlp": (128, 32),      # Dense(128, relu) + Dense(4)
}


def build(hidden):
    layers = [keras.Input((16,))]
    if hidden:
        layers.append(keras.layers.Dense(hidden, activation="relu"))
    layers.append(keras.layers.Dense(4))
    model = keras.Sequential(layers)
    model.compile("adam", keras.losses.SparseCategoricalCrossentropy(from_logits=True), metrics=["accuracy"])
    return model


def measure(hidden, batch_size, steps, repeats):
    """Best CPU microseconds per fit step over ``repeats`` one-epoch fits of ``steps`` steps."""
    rng = np.random.default_rng(0)
    x = rng.normal(size=(steps * batch_size, 16)).astype("float32")
    y = rng.integers(0, 4, steps * batch_size)
    best = float("inf")
    for _ in range(repeats):
        shenjing.set_random_seed(0)
        model = build(hidden)
        model.fit(x[:batch_size * 20], y[:batch_size * 20], batch_size=batch_size, verbose=0)  # warm up
        start = time.process_time()
        model.fit(x, y, batch_size=batch_size, epochs=1, verbose=0)
        best = min(best, (time.process_time() - start) / steps * 1e6)
    return best


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=1500)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--label", default=os.path.basename(os.path.dirname(os.path.dirname(
        os.path.abspath(shenjing.__file__)))))
    args = parser.parse_args()
    results = {name: measure(hidden, batch, args.steps, args.repeats) for name, (hidden, batch) in MODELS.items()}
    print(args.label, " ".join(f"{name} {us:.0f} us/step" for name, us in results.items()))


if __name__ == "__main__":
    main()
