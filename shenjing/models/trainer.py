"""The trainer: ``compile``, ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` methods.

One training step is the engine's custom loop, written once:

    y_pred = model(x, training=True)
    loss = compiled loss(y, y_pred, sample_weight) + sum(model.losses)
    loss.backward(); optimizer.step(trainable_weights); clear the gradients
    update the metrics with (y, y_pred)

``fit`` wraps it in epochs and batches, validation and callbacks (a ``History``
and the progress bar are added as Keras adds them) and returns the ``History``.
"""

import numpy as np

from .. import losses as losses_module
from .. import metrics as metrics_module
from .. import optimizers as optimizers_module
from ..autograd import no_grad
from ..callbacks import CallbackList
from ..backend.tree import flatten
from . import data_adapter


class CompiledLoss:
    """The loss of every output (each weighted), plus the model's regularization losses."""

    def __init__(self, loss, loss_weights, output_names):
        self.output_names = output_names
        if isinstance(loss, dict):
            unknown = set(loss) - set(output_names)
            if unknown:
                raise ValueError(f"loss has keys {sorted(unknown)} that are not model outputs {output_names}")
            per_output = [loss.get(name) for name in output_names]
        elif isinstance(loss, (list, tuple)):
            if len(loss) != len(output_names):
                raise ValueError(
                    f"loss is a list of {len(loss)} but the model has {len(output_names)} outputs {output_names}"
                )
            per_output = list(loss)
        else:
            per_output = [loss] * len(output_names)
        self.identifiers = per_output
        self.fns = [None if l is None else _as_loss_object(l) for l in per_output]
        if isinstance(loss_weights, dict):
            loss_weights = [loss_weights.get(name, 1.0) for name in output_names]
        self.weights = list(loss_weights) if loss_weights is not None else [1.0] * len(output_names)

    def __call__(self, y_true, y_pred, sample_weight):
        total = None
        for fn, weight, yt, yp, sw in zip(self.fns, self.weights, y_true, y_pred, sample_weight):
            if fn is None:
                continue
            value = fn(yt, yp, sample_weight=sw)
            if weight != 1.0:
                value = value * weight
            total = value if total is None else total + value
        return total


def _as_loss_object(identifier):
    loss = losses_module.get(identifier)
    if isinstance(loss, losses_module.Loss):
        return loss
    return losses_module.LossFunctionWrapper(loss, name=getattr(loss, "__name__", "loss"))


class Trainer:
    """Methods that a ``Model`` gets for training; see the module docstring."""

    compiled = False
    optimizer = None
    stop_training = False

    # -- compile -------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Choose the optimizer, the loss(es) and the metrics, by object or Keras name."""
        self.optimizer = optimizers_module.get(optimizer)
        self._loss_identifier, self._loss_weights = loss, loss_weights
        self._metric_identifiers, self._weighted_metric_identifiers = metrics, weighted_metrics
        self._compiled_loss = None
        self._compiled_metrics = None
        self._loss_tracker = metrics_module.Mean(name="loss")
        self.compiled = True
        self.stop_training = False

    def get_compile_config(self):
        """Keras 3's compile_config (None when the model is not compiled)."""
        if not self.compiled or self.optimizer is None:
            return None
        return {
            "optimizer": optimizers_module.serialize(self.optimizer),
            "loss": _serialize_loss(self._loss_identifier),
            "loss_weights": self._loss_weights,
            "metrics": _serialize_metric_ids(self._metric_identifiers),
            "weighted_metrics": _serialize_metric_ids(self._weighted_metric_identifiers),
            "run_eagerly": False,
            "steps_per_execution": 1,
            "jit_compile": False,
        }

    def compile_from_config(self, config):
        """``compile()`` again from ``get_compile_config()``'s dict (see compile_config.py)."""
        from .compile_config import compile_from_config

        return compile_from_config(self, config)

    def _assert_compiled(self, method):
        if not self.compiled:
            raise RuntimeError(
                f"You must call compile() before {method}(): e.g. "
                f"model.compile(optimizer='adam', loss='sparse_categorical_crossentropy', metrics=['accuracy'])"
            )

    def _output_names(self):
        names = getattr(self, "output_names", None)
        return list(names) if names else ["output"]

    def _build_compiled(self, y, y_pred):
        """Resolve losses and metrics once the first batch shows the shapes (as Keras does)."""
        names = self._output_names() if len(y_pred) > 1 else ["output"]
        if self._compiled_loss is None:
            if self._loss_identifier is None:
                raise ValueError("compile() was called without a loss: pass loss=... to compile()")
            self._compiled_loss = CompiledLoss(self._loss_identifier, self._loss_weights, names)
        if self._compiled_metrics is None:
            self._compiled_metrics = []
            for ids, weighted in ((self._metric_identifiers, False), (self._weighted_metric_identifiers, True)):
                self._compiled_metrics += _resolve_metrics(ids, weighted, names, self._compiled_loss, y, y_pred)

    @property
    def metrics(self):
        """The loss tracker and the compiled metrics, in logging order."""
        out = [self._loss_tracker] if self.compiled else []
        return out + [m for _, m, _ in (self._compiled_metrics or [])]

    @property
    def metrics_names(self):
        return [m.name for m in self.metrics]

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    # -- one step --------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of ``y_pred`` against ``y``, plus the regularization losses."""
        ys, preds = flatten(y), flatten(y_pred)
        self._build_compiled(ys, preds)
        sws = flatten(sample_weight) if sample_weight is not None else [None] * len(ys)
        if len(sws) == 1 and len(ys) > 1:
            sws = sws * len(ys)
        if len(ys) != len(preds):
            raise ValueError(f"The model has {len(preds)} outputs but y has {len(ys)} arrays")
        loss = self._compiled_loss(ys, preds, sws)
        extra = self.losses
        for penalty in extra:
            loss = loss + penalty
        return loss

    def _update_metrics(self, y, y_pred, sample_weight, loss_value, batch_size):
        self._loss_tracker.update_state(loss_value, sample_weight=batch_size)
        ys, preds = flatten(y), [getattr(p, "data", p) for p in flatten(y_pred)]
        sws = flatten(sample_weight) if sample_weight is not None else [None] * len(ys)
        if len(sws) == 1 and len(ys) > 1:
            sws = sws * len(ys)
        for output, metric, weighted in self._compiled_metrics:
            metric.update_state(ys[output], preds[output], sample_weight=sws[output] if weighted else None)

    def train_step(self, x, y, sample_weight=None):
        """Forward, loss, backward, one optimizer step, metrics; returns nothing."""
        y_pred = self(x, training=True)
        loss = self.compute_loss(x, y, y_pred, sample_weight)
        params = self.trainable_weights
        loss.backward()
        self.optimizer.step(params)
        for p in params:
            p.grad = None
        self._update_metrics(y, y_pred, sample_weight, float(loss.data), _batch_size(x))

    def test_step(self, x, y, sample_weight=None):
        with no_grad():
            y_pred = self(x, training=False)
            loss = self.compute_loss(x, y, y_pred, sample_weight, training=False)
        self._update_metrics(y, y_pred, sample_weight, float(loss.data), _batch_size(x))

    def predict_step(self, x):
        with no_grad():
            return self(x, training=False)

    def _logs(self):
        return {m.name: float(m.result()) for m in self.metrics}

    # -- fit / evaluate / predict ------------------------------------------------------------
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` epochs of batches of ``batch_size`` (32); returns a ``History``."""
        self._assert_compiled("fit")
        batch_size = _check_batch_size(batch_size)
        x, y, sample_weight = (data_adapter.to_arrays(a) for a in (x, y, sample_weight))
        n = data_adapter.num_samples("fit", x=x, y=y, sample_weight=sample_weight)
        val = None
        if validation_data is not None:
            val = data_adapter.unpack_validation_data(validation_data)
        elif validation_split:
            (x, y, sample_weight), val = data_adapter.split_validation(x, y, sample_weight, validation_split, n)
            n = data_adapter.num_samples("fit", x=x)
        if class_weight is not None:
            weights = data_adapter.class_weights_to_sample_weights(y, class_weight)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        verbose = _verbose(verbose)
        steps = -(-n // batch_size)
        if steps_per_epoch is not None:
            steps = min(steps, int(steps_per_epoch))
        cbs = CallbackList(callbacks, add_history=True, add_progbar=verbose != 0, model=self,
                           verbose=verbose, epochs=epochs, steps=steps)
        self.stop_training = False
        cbs.on_train_begin()
        # BackupAndRestore, having restored a backup, says where the interrupted run stopped.
        resumed = self.__dict__.pop("_initial_epoch_from_backup", None)
        if resumed is not None:
            initial_epoch = max(initial_epoch, int(resumed))
        epoch_logs = {}
        for epoch in range(initial_epoch, epochs):
            self.reset_metrics()
            cbs.on_epoch_begin(epoch)
            batch_end = cbs.wants("on_train_batch_end")
            batch_begin = cbs.wants("on_train_batch_begin")
            for step, index in enumerate(data_adapter.batch_indices(n, batch_size, shuffle)[:steps]):
                if batch_begin:
                    cbs.on_train_batch_begin(step)
                self.train_step(data_adapter.take(x, index), data_adapter.take(y, index),
                                data_adapter.take(sample_weight, index))
                if batch_end:
                    cbs.on_train_batch_end(step, self._logs())
                if self.stop_training:
                    break
            epoch_logs = self._logs()
            if val is not None and (epoch + 1) % validation_freq == 0:
                val_logs = self.evaluate(val[0], val[1], sample_weight=val[2],
                                         batch_size=validation_batch_size or batch_size,
                                         steps=validation_steps, verbose=0, return_dict=True,
                                         _in_fit=True)
                epoch_logs.update({f"val_{k}": v for k, v in val_logs.items()})
            cbs.on_epoch_end(epoch, epoch_logs)
            if self.stop_training:
                break
        cbs.on_train_end(epoch_logs)
        return cbs.history

    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, _in_fit=False):
        """The loss and metrics over the data: a float, ``[loss, *metrics]`` or a dict."""
        self._assert_compiled("evaluate")
        batch_size = _check_batch_size(batch_size)
        x, y, sample_weight = (data_adapter.to_arrays(a) for a in (x, y, sample_weight))
        n = data_adapter.num_samples("evaluate", x=x, y=y, sample_weight=sample_weight)
        verbose = 0 if _in_fit else _verbose(verbose)
        batches = data_adapter.batch_indices(n, batch_size, shuffle=False)
        if steps is not None:
            batches = batches[: int(steps)]
        cbs = CallbackList(callbacks, add_progbar=verbose != 0, model=self, verbose=verbose,
                           epochs=1, steps=len(batches), in_fit=_in_fit)
        self.reset_metrics()
        cbs.on_test_begin()
        for step, index in enumerate(batches):
            cbs.on_test_batch_begin(step)
            self.test_step(data_adapter.take(x, index), data_adapter.take(y, index),
                           data_adapter.take(sample_weight, index))
            if cbs.wants("on_test_batch_end"):
                cbs.on_test_batch_end(step, self._logs())
        logs = self._logs()
        cbs.on_test_end(logs)
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names]
        return values[0] if len(values) == 1 else values

    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs as NumPy arrays, computed batch by batch."""
        batch_size = _check_batch_size(batch_size)
        x = data_adapter.to_arrays(x)
        n = data_adapter.num_samples("predict", x=x)
        batches = data_adapter.batch_indices(n, batch_size, shuffle=False)
        if steps is not None:
            batches = batches[: int(steps)]
        verbose = _verbose(verbose)
        cbs = CallbackList(callbacks, add_progbar=False, model=self, verbose=verbose, epochs=1,
                           steps=len(batches))
        cbs.on_predict_begin()
        outputs = []
        for step, index in enumerate(batches):
            cbs.on_predict_batch_begin(step)
            out = self.predict_step(data_adapter.take(x, index))
            outputs.append([np.asarray(getattr(o, "data", o)) for o in flatten(out)])
            cbs.on_predict_batch_end(step, {"outputs": outputs[-1]})
        cbs.on_predict_end()
        if not outputs:
            raise ValueError("predict: no batches to run (x is empty)")
        merged = [np.concatenate(parts, axis=0) for parts in zip(*outputs)]
        return merged[0] if len(merged) == 1 else merged

    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on exactly this batch; returns the metrics since the last reset."""
        self._assert_compiled("train_on_batch")
        x, y, sample_weight = (data_adapter.to_arrays(a) for a in (x, y, sample_weight))
        data_adapter.num_samples("train_on_batch", x=x, y=y, sample_weight=sample_weight)
        if class_weight is not None:
            weights = data_adapter.class_weights_to_sample_weights(y, class_weight)
            sample_weight = weights if sample_weight is None else sample_weight * weights
        self.train_step(x, y, sample_weight)
        return self._batch_result(return_dict)

    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        x, y, sample_weight = (data_adapter.to_arrays(a) for a in (x, y, sample_weight))
        data_adapter.num_samples("test_on_batch", x=x, y=y, sample_weight=sample_weight)
        self.reset_metrics()
        self.test_step(x, y, sample_weight)
        return self._batch_result(return_dict)

    def predict_on_batch(self, x):
        out = self.predict_step(data_adapter.to_arrays(x))
        arrays = [np.asarray(getattr(o, "data", o)) for o in flatten(out)]
        return arrays[0] if len(arrays) == 1 else arrays

    def _batch_result(self, return_dict):
        logs = self._logs()
        if return_dict:
            return logs
        values = [logs[name] for name in self.metrics_names]
        return values[0] if len(values) == 1 else values


def _batch_size(x):
    return flatten(x)[0].shape[0]


def _check_batch_size(batch_size):
    if batch_size is None:
        return 32
    if int(batch_size) != batch_size or batch_size < 1:
        raise ValueError(f"batch_size must be a positive integer, received: batch_size={batch_size}")
    return int(batch_size)


def _verbose(verbose):
    if verbose == "auto":
        return 1
    if verbose not in (0, 1, 2):
        raise ValueError(f"verbose must be 'auto', 0, 1 or 2, received: verbose={verbose!r}")
    return verbose


def _serialize_loss(loss):
    if loss is None or isinstance(loss, str):
        return loss
    if isinstance(loss, dict):
        return {k: _serialize_loss(v) for k, v in loss.items()}
    if isinstance(loss, (list, tuple)):
        return [_serialize_loss(v) for v in loss]
    return losses_module.serialize(loss)


def _serialize_metric_ids(ids):
    if ids is None or isinstance(ids, str):
        return ids
    if isinstance(ids, dict):
        return {k: _serialize_metric_ids(v) for k, v in ids.items()}
    if isinstance(ids, (list, tuple)):
        return [_serialize_metric_ids(v) for v in ids]
    return metrics_module.serialize(ids)


def _resolve_metrics(ids, weighted, names, compiled_loss, y, y_pred):
    """[(output index, metric, weighted)] for compile's ``metrics`` argument."""
    if not ids:
        return []
    if isinstance(ids, dict):
        per_output = [ids.get(name) or [] for name in names]
    elif len(names) > 1 and all(isinstance(i, (list, tuple)) for i in ids):
        per_output = list(ids)
    else:
        per_output = [ids] * len(names) if len(names) == 1 else [ids] + [[]] * (len(names) - 1)
    resolved = []
    for output, output_ids in enumerate(per_output):
        if isinstance(output_ids, (str, metrics_module.Metric)) or callable(output_ids):
            output_ids = [output_ids]
        for identifier in output_ids:
            metric = metrics_module.get_for_compile(
                identifier, compiled_loss.identifiers[output], y[output], y_pred[output])
            if len(names) > 1:
                metric.name = f"{names[output]}_{metric.name}"
            if weighted:
                metric.name = f"weighted_{metric.name}" if not metric.name.startswith("weighted_") else metric.name
            resolved.append((output, metric, weighted))
    return resolved
