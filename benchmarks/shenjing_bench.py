"""The shenjing worker: one process, one workload, one path, driven by ``run.py``.

``--path engine`` is the bare loop of examples/fashion_mnist_cnn.py (layers called
directly, loss.backward(), optimizer.step); ``--path fit`` is Keras-style
``Sequential`` + ``compile`` + ``fit(verbose=0, shuffle=True)``, one ``fit(epochs=1)``
call per epoch (the optimizer's state carries over between calls).

Not meant to be run by hand: ``python benchmarks/run.py`` starts it and talks to it
over stdin/stdout (see ``workloads.serve``).
"""

import time

import numpy as np

import workloads

_t0 = time.perf_counter()
import shenjing as sj  # noqa: E402
from shenjing import layers, losses, models, optimizers  # noqa: E402
from shenjing.backend import kernels  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _t0


def build_layers(workload):
    """The workload's layers; the first one carries the input shape. Keras default initialisers."""
    spec = workloads.WORKLOADS[workload]
    stack = []
    for i, layer in enumerate(spec["layers"]):
        extra = {"input_shape": spec["image_shape"]} if i == 0 else {}
        kind = layer[0]
        if kind == "conv":
            stack.append(layers.Conv2D(layer[1], layer[2], activation="relu", **extra))
        elif kind == "maxpool":
            stack.append(layers.MaxPooling2D(layer[1], **extra))
        elif kind == "flatten":
            stack.append(layers.Flatten(**extra))
        elif kind == "dense":
            stack.append(layers.Dense(layer[1], activation=layer[2], **extra))
        elif kind == "dropout":
            stack.append(layers.Dropout(layer[1], **extra))
        elif kind == "lstm":
            stack.append(layers.LSTM(layer[1], **extra))
        elif kind == "gru":
            stack.append(layers.GRU(layer[1], **extra))
    return stack


def forward(stack, x, training):
    for layer in stack:
        x = layer(x, training=training)
    return x


class EngineWorker:
    """The bare engine loop, as in examples/fashion_mnist_cnn.py."""

    def __init__(self, args):
        self.args = args

    def setup(self):
        args = self.args
        spec = workloads.WORKLOADS[args.workload]
        sj.set_random_seed(args.seed)
        self.x, self.y, self.x_test, self.y_test = workloads.load_prepared(
            args.data, spec["image_shape"], args.limit, args.test_limit)
        self.batch_size = spec["batch_size"]
        self.stack = build_layers(args.workload)
        self.optimizer = optimizers.Adam(learning_rate=workloads.LEARNING_RATE, epsilon=workloads.EPSILON)
        self.orders = workloads.epoch_orders(len(self.x), args.seed)
        # numba's import and the compiled loops (cached on disk) load once per process, here
        # rather than in the first timed epoch; run.py reports the time next to import times.
        t0 = time.perf_counter()
        warmed = kernels.warm_up("float32")
        if spec.get("sequence"):  # the recurrent ops' compiled steps load on first use: here
            forward(self.stack, self.x[:2], training=False)
        loops_seconds = time.perf_counter() - t0 if warmed else None
        return {"compiled_loops_seconds": loops_seconds, "framework": "shenjing", "version": sj.__version__ if hasattr(sj, "__version__") else None,
                "import_seconds_in_worker": IMPORT_SECONDS, "numpy": np.__version__}

    def epoch(self):
        x, y, bs, stack, opt = self.x, self.y, self.batch_size, self.stack, self.optimizer
        logits = not workloads.outputs_probabilities(self.args.workload)
        order = next(self.orders)
        steps = 0
        with workloads.Timed() as timer:
            for start in range(0, len(order), bs):
                batch = order[start:start + bs]
                out = forward(stack, x[batch], training=True)
                loss = losses.sparse_categorical_crossentropy(y[batch], out, from_logits=logits).mean()
                weights = [w for layer in stack for w in layer.trainable_weights]
                loss.backward()
                opt.step(weights)
                opt.zero_grad(weights)
                steps += 1
        return {**timer.as_dict(), "steps": steps,
                "last_loss": float(loss.item()), **workloads.training_peak(),
                "test_accuracy": self.accuracy()}

    def _predict(self, x):
        with sj.no_grad():
            return [forward(self.stack, x[i:i + workloads.INFER_BATCH], training=False).numpy()
                    for i in range(0, len(x), workloads.INFER_BATCH)]

    def accuracy(self):
        logits = np.concatenate(self._predict(self.x_test))
        return float((logits.argmax(axis=-1) == self.y_test).mean())

    def infer(self):
        return workloads.time_inference(lambda: self._predict(self.x_test), len(self.x_test))


def loss_argument(workload):
    """compile()'s loss: the tutorials' string for a softmax output, else the logits loss."""
    if workloads.outputs_probabilities(workload):
        return "sparse_categorical_crossentropy"
    return losses.SparseCategoricalCrossentropy(from_logits=True)


class FitWorker(EngineWorker):
    """Keras-style: Sequential + compile + fit(verbose=0, shuffle=True)."""

    def setup(self):
        info = super().setup()
        self.model = models.Sequential(self.stack)
        self.model.compile(
            optimizer=optimizers.Adam(learning_rate=workloads.LEARNING_RATE, epsilon=workloads.EPSILON),
            loss=loss_argument(self.args.workload),
            metrics=["accuracy"])
        return info

    def epoch(self):
        with workloads.Timed() as timer:
            history = self.model.fit(self.x, self.y, batch_size=self.batch_size, epochs=1,
                                     verbose=0, shuffle=True)
        steps = -(-len(self.x) // self.batch_size)
        return {**timer.as_dict(), "steps": steps,
                "last_loss": float(history.history["loss"][-1]), **workloads.training_peak(),
                "test_accuracy": self.accuracy()}

    def _predict(self, x):
        return [self.model.predict(x, batch_size=workloads.INFER_BATCH, verbose=0)]


def main():
    parser = workloads.worker_arguments(__doc__.splitlines()[0])
    parser.add_argument("--path", choices=["engine", "fit"], default="engine")
    args = parser.parse_args()
    workloads.serve((FitWorker if args.path == "fit" else EngineWorker)(args))


if __name__ == "__main__":
    main()
