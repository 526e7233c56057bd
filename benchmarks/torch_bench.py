"""The PyTorch worker: the same workload in eager PyTorch on the CPU, driven by ``run.py``.

Same data and shuffling as the shenjing engine loop, NCHW layout, the same
initialisation scheme as Keras's defaults (xavier_uniform_ = glorot_uniform on
every weight, zero biases; torch's own default is kaiming_uniform), Adam with
lr 1e-3 and Keras's epsilon 1e-7, 2 threads.
"""

import os
import time

import numpy as np

import workloads

_t0 = time.perf_counter()
import torch  # noqa: E402
from torch import nn  # noqa: E402

IMPORT_SECONDS = time.perf_counter() - _t0


class LastStep(nn.Module):
    """A recurrent module's output at the last step, as Keras's return_sequences=False."""

    def __init__(self, rnn):
        super().__init__()
        self.rnn = rnn

    def forward(self, x):
        return self.rnn(x)[0][:, -1]


def init_recurrent(rnn, units):
    """Keras's defaults: glorot_uniform kernel, orthogonal recurrent kernel, zero biases, and
    for an LSTM the forget gate's bias at 1 (unit_forget_bias; torch's gate order i, f, g, o)."""
    nn.init.xavier_uniform_(rnn.weight_ih_l0)  # fan_in D, fan_out k*U, as Keras's (D, k*U)
    nn.init.orthogonal_(rnn.weight_hh_l0)
    nn.init.zeros_(rnn.bias_ih_l0)
    nn.init.zeros_(rnn.bias_hh_l0)
    if isinstance(rnn, nn.LSTM):
        with torch.no_grad():
            rnn.bias_ih_l0[units:2 * units] = 1.0


def build_model(workload):
    spec = workloads.WORKLOADS[workload]
    shape = spec["image_shape"]
    h, w, c = shape if len(shape) == 3 else shape + (1,)
    modules, features = [], None
    for layer in spec["layers"]:
        kind = layer[0]
        if kind == "conv":
            f, k = layer[1], layer[2]
            modules += [nn.Conv2d(c, f, k), nn.ReLU()]
            h, w, c = h - k + 1, w - k + 1, f
        elif kind == "maxpool":
            modules.append(nn.MaxPool2d(layer[1]))
            h, w = h // layer[1], w // layer[1]
        elif kind == "flatten":
            modules.append(nn.Flatten())
            features = h * w * c
        elif kind == "dense":
            modules.append(nn.Linear(features, layer[1]))
            if layer[2] == "relu":
                modules.append(nn.ReLU())
            elif layer[2] == "softmax":  # PyTorch's way to a probability output: log-probabilities
                modules.append(nn.LogSoftmax(dim=1))
            features = layer[1]
        elif kind == "dropout":
            modules.append(nn.Dropout(layer[1]))
        elif kind in ("lstm", "gru"):  # rows of the image are the timesteps
            rnn = (nn.LSTM if kind == "lstm" else nn.GRU)(w * c, layer[1], batch_first=True)
            init_recurrent(rnn, layer[1])
            modules.append(LastStep(rnn))
            features = layer[1]
    model = nn.Sequential(*modules)
    for module in model.modules():
        if isinstance(module, (nn.Conv2d, nn.Linear)):
            nn.init.xavier_uniform_(module.weight)  # fan_in = C*kh*kw, fan_out = F*kh*kw, as Keras
            nn.init.zeros_(module.bias)
    return model


def to_nchw(x):
    """Channels-last float32 (N, H, W, C) or (N, H, W) -> a torch tensor (N, C, H, W)."""
    if x.ndim == 3:
        x = x[..., None]
    return torch.from_numpy(np.ascontiguousarray(x.transpose(0, 3, 1, 2)))


class TorchWorker:
    def __init__(self, args):
        self.args = args

    def setup(self):
        args = self.args
        spec = workloads.WORKLOADS[args.workload]
        # 2 threads, as NumPy's BLAS; SHENJING_BENCH_TORCH_THREADS=1 matches OPENBLAS_NUM_THREADS=1
        torch.set_num_threads(int(os.environ.get("SHENJING_BENCH_TORCH_THREADS", "2")))
        torch.manual_seed(args.seed)
        x, y, x_test, y_test = workloads.load_prepared(args.data, spec["image_shape"], args.limit,
                                                       args.test_limit)
        to_input = (lambda a: torch.from_numpy(a)) if spec.get("sequence") else to_nchw
        self.x, self.y = to_input(x), torch.from_numpy(y)
        self.x_test, self.y_test = to_input(x_test), torch.from_numpy(y_test)
        del x, x_test
        self.batch_size = spec["batch_size"]
        self.model = build_model(args.workload)
        self.optimizer = torch.optim.Adam(self.model.parameters(), lr=workloads.LEARNING_RATE,
                                          eps=workloads.EPSILON)
        # Logits: CrossEntropyLoss; a LogSoftmax output: NLLLoss (the same loss, as torch users write it).
        self.loss_fn = nn.NLLLoss() if workloads.outputs_probabilities(args.workload) else nn.CrossEntropyLoss()
        self.orders = workloads.epoch_orders(len(self.x), args.seed)
        return {"framework": "torch", "version": torch.__version__,
                "import_seconds_in_worker": IMPORT_SECONDS, "num_threads": torch.get_num_threads(),
                "num_interop_threads": torch.get_num_interop_threads(), "numpy": np.__version__}

    def epoch(self):
        x, y, bs, model, opt = self.x, self.y, self.batch_size, self.model, self.optimizer
        order = torch.from_numpy(next(self.orders))
        model.train()
        steps = 0
        with workloads.Timed() as timer:
            for start in range(0, len(order), bs):
                batch = order[start:start + bs]
                loss = self.loss_fn(model(x[batch]), y[batch])
                opt.zero_grad(set_to_none=True)
                loss.backward()
                opt.step()
                steps += 1
        return {**timer.as_dict(), "steps": steps,
                "last_loss": float(loss.item()), **workloads.training_peak(),
                "test_accuracy": self.accuracy()}

    def _predict(self, x):
        self.model.eval()
        with torch.no_grad():
            return [self.model(x[i:i + workloads.INFER_BATCH]) for i in range(0, len(x), workloads.INFER_BATCH)]

    def accuracy(self):
        logits = torch.cat(self._predict(self.x_test))
        return float((logits.argmax(dim=-1) == self.y_test).float().mean())

    def infer(self):
        return workloads.time_inference(lambda: self._predict(self.x_test), len(self.x_test))


def main():
    args = workloads.worker_arguments(__doc__.splitlines()[0]).parse_args()
    workloads.serve(TorchWorker(args))


if __name__ == "__main__":
    main()
