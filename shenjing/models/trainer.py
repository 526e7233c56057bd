"""The trainer: ``compile``, ``fit``, ``evaluate``, ``predict`` and the ``*_on_batch`` methods,
with Keras 3's overridable units ``train_step(data)``, ``test_step(data)``, ``predict_step(data)``.

``data`` is one batch as the data adapter yields it: ``x``, ``(x, y)`` or ``(x, y,
sample_weight)`` (``keras.utils.unpack_x_y_sample_weight`` takes it apart). The default
training step, the engine's custom loop written once:

    x, y, sample_weight = unpack_x_y_sample_weight(data)
    y_pred = self(x, training=True)
    loss = self.compute_loss(x, y, y_pred, sample_weight)   # compiled loss + sum(self.losses)
    loss.backward(); optimizer.step(trainable_weights); clear the gradients
    return self.compute_metrics(x, y, y_pred, sample_weight)  # {name: value} of self.metrics

``fit`` runs it over an ``EpochIterator`` (any data adapter), in epochs, with validation
and callbacks (a ``History`` and the progress bar are added as Keras adds them), and
returns the ``History``; its loop, and those of ``evaluate`` and ``predict``, are in
``trainer_loops.py``.
"""

import inspect
import warnings

from .. import optimizers as optimizers_module
from ..autograd import no_grad
from ..backend.tree import flatten, pack_sequence_as
from ..layers.tracking import tracking_version
from ..utils.data_utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
from .data_adapters import array_utils, check_no_nan, nan_check
from . import trainer_loops as loops
from .compile_utils import CompileLoss, CompileMetrics, LossTracker, TrackedLoss
from .trainer_utils import _batch_size, _describe, _pythonify, _serialize_loss, _serialize_metric_ids, _to_numpy


_ACCEPTS_TRAINING = {}


def _accepts_training(fn):
    """Whether ``fn`` (a compute_loss) takes ``training``; cached per function."""
    known = _ACCEPTS_TRAINING.get(fn)
    if known is None:
        params = inspect.signature(fn).parameters.values()
        known = _ACCEPTS_TRAINING[fn] = any(
            p.name == "training" or p.kind is inspect.Parameter.VAR_KEYWORD for p in params)
    return known


class Trainer:
    """Methods that a ``Model`` gets for training; see the module docstring."""

    compiled = False
    optimizer = None
    stop_training = False
    _compiled_loss = None
    _compiled_metrics = None
    _loss_tracker = None
    allow_nan_inputs = False  # True: fit/evaluate take NaN in x (a model that masks them itself)

    # -- compile -------------------------------------------------------------------
    def compile(self, optimizer="rmsprop", loss=None, loss_weights=None, metrics=None,
                weighted_metrics=None, run_eagerly=False, steps_per_execution=1,
                jit_compile="auto", auto_scale_loss=True):
        """Choose the optimizer, the loss(es) and the metrics, by object or Keras name.

        ``loss`` may be None when the model adds its own losses with ``add_loss``."""
        self.optimizer = optimizers_module.get(optimizer)
        self.loss = loss
        self._loss_identifier, self._loss_weights = loss, loss_weights
        self._metric_identifiers, self._weighted_metric_identifiers = metrics, weighted_metrics
        self._compiled_loss = CompileLoss(loss, loss_weights, self._output_names)   # read at build
        self._compiled_metrics = CompileMetrics(metrics, weighted_metrics, self._output_names)
        self._loss_tracker = LossTracker(name="loss")
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
        return list(names) if names else None

    @property
    def compiled_loss(self):
        """tf.keras's ``compiled_loss(y, y_pred, sample_weight=None, regularization_losses=None)``:
        the compiled loss, which also updates the ``loss`` metric as tf.keras's did, so that a
        custom ``train_step`` written for tf.keras logs its loss."""
        compiled = self._compiled_loss
        if compiled is None:
            return None
        tracked = self.__dict__.get("_tracked_loss")
        if tracked is None or tracked._compiled is not compiled or tracked._tracker is not self._loss_tracker:
            tracked = TrackedLoss(compiled, self._loss_tracker)
            object.__setattr__(self, "_tracked_loss", tracked)  # not tracked state
        return tracked

    @property
    def compiled_metrics(self):
        """The compiled metrics: ``update_state(y, y_pred, sample_weight=None)``, ``result()``,
        ``reset_state()``, ``metrics``."""
        return self._compiled_metrics

    # -- metrics ---------------------------------------------------------------------
    @property
    def metrics(self):
        """The loss tracker, the compiled metrics, then the metrics that the layers hold
        (``add_metric``, or Metric objects assigned as attributes), in logging order.
        A subclass may override it to list its own trackers: the logs and
        ``reset_metrics`` then use that list."""
        compiled = self._compiled_metrics
        key = (tracking_version(), self.compiled, compiled is not None and compiled.built)
        cached = self.__dict__.get("_metrics_cache")
        if cached is not None and cached[0] == key:
            return list(cached[1])
        out = []
        if self.compiled:
            out.append(self._loss_tracker)
            if compiled is not None:
                # Until the first batch resolves them, the compiled metrics are one object
                # (Keras's CompileMetrics) that a custom step may update; then they are listed.
                out.extend(compiled.metrics if compiled.built else [compiled])
        seen = {id(m) for m in out}
        for layer in self._flatten_layers():
            if isinstance(layer, Trainer) and layer is not self:
                continue  # a sub-model's own trackers (its loss, ...) are not ours, as in Keras
            state = layer.__dict__
            for group in (state.get("_tracked_metrics"), state.get("_added_metrics")):
                for m in (group.values() if isinstance(group, dict) else group) or ():
                    if id(m) not in seen:
                        seen.add(id(m))
                        out.append(m)
        object.__setattr__(self, "_metrics_cache", (key, out))  # not tracked state
        return list(out)

    @property
    def metrics_names(self):
        names = []
        for m in self.metrics:
            if isinstance(m, CompileMetrics):
                names.extend(sub.name for sub in m.metrics)
            else:
                names.append(m.name)
        return names

    def reset_metrics(self):
        for m in self.metrics:
            m.reset_state()

    def get_metrics_result(self):
        """``{name: result}`` of every metric in ``self.metrics`` (a dict result is merged in)."""
        logs = {}
        for m in self.metrics:
            result = m.result()
            if isinstance(result, dict):
                logs.update(result)
            else:
                logs[m.name] = result
        return logs

    # -- one step --------------------------------------------------------------------
    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """The compiled loss of ``y_pred`` against ``y`` plus ``self.losses`` (``add_loss`` and
        regularization penalties); a ValueError when there is neither."""
        total = None
        if self.loss is not None:
            if y is None:
                raise ValueError(
                    f"The model was compiled with loss={_describe(self.loss)}, which needs targets, but "
                    "y is None. Pass y to fit()/evaluate(), or let the data yield (x, y) batches.")
            total = self._compiled_loss(y, y_pred, sample_weight)
        for penalty in self.losses:
            total = penalty if total is None else total + penalty
        if total is None:
            raise ValueError(
                "No loss to compute. Provide a `loss` argument in `compile()`, or add losses in the "
                "model with `self.add_loss()`.")
        return total

    def _compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, training=True):
        """``compute_loss``, also when a subclass overrides it without ``training`` (tf.keras
        and older Keras 3 code do), as Keras's wrapper of the same name does."""
        if _accepts_training(type(self).compute_loss):
            return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=training)
        return self.compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight)

    def compute_metrics(self, x, y, y_pred, sample_weight=None):
        """Update the compiled metrics with this batch; returns ``get_metrics_result()``."""
        compiled = self._compiled_metrics
        if compiled is not None and y is not None:
            loss = self._compiled_loss
            compiled.update_state(y, y_pred, sample_weight,
                                  loss_identifiers=loss.identifiers if loss is not None and loss.built else None)
        return self.get_metrics_result()

    def train_step(self, data):
        """Forward, loss, backward, one optimizer step, metrics; returns the logs (a dict)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        y_pred = self(x, training=True)
        loss = self._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=True)
        self._loss_tracker.update_state(float(loss.data), sample_weight=_batch_size(x))
        params = self.trainable_weights
        if params:
            if loss.requires_grad:
                # Keras differentiates optimizer.scale_loss(loss) (loss_scale_factor or the
                # LossScaleOptimizer's dynamic scale); the optimizer divides it back out.
                scale_loss = getattr(self.optimizer, "scale_loss", None)
                (scale_loss(loss) if scale_loss is not None else loss).backward()
            self.optimizer.step(params)
            for p in params:
                p.grad = None
        else:
            warnings.warn("The model does not have any trainable weights.", stacklevel=2)
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def test_step(self, data):
        """Forward (inference mode), loss, metrics; returns the logs (a dict)."""
        x, y, sample_weight = unpack_x_y_sample_weight(data)
        with no_grad():
            y_pred = self(x, training=False)
            loss = self._compute_loss(x=x, y=y, y_pred=y_pred, sample_weight=sample_weight, training=False)
        self._loss_tracker.update_state(float(loss.data), sample_weight=_batch_size(x))
        return self.compute_metrics(x, y, y_pred, sample_weight=sample_weight)

    def predict_step(self, data):
        """The model's outputs for the batch's ``x``."""
        x, _, _ = unpack_x_y_sample_weight(data)
        with no_grad():
            return self(x, training=False)

    def _final_logs(self, logs):
        """The epoch's logs: the metrics' results, or the step's own dict when a custom
        step returned other keys (as Keras's ``_get_metrics_result_or_logs``)."""
        result = self.get_metrics_result()
        if isinstance(logs, dict) and set(logs) != set(result):
            return _pythonify(logs)
        return _pythonify(result)

    def _flatten_metrics_in_order(self, logs):
        names = [n for n in self.metrics_names if n in logs]
        values = [logs[n] for n in names] + [logs[k] for k in sorted(logs) if k not in names]
        return values[0] if len(values) == 1 else values

    # -- fit / evaluate / predict ------------------------------------------------------------
    @array_utils.accepts_text
    def fit(self, x=None, y=None, batch_size=None, epochs=1, verbose="auto", callbacks=None,
            validation_split=0.0, validation_data=None, shuffle=True, class_weight=None,
            sample_weight=None, initial_epoch=0, steps_per_epoch=None, validation_steps=None,
            validation_batch_size=None, validation_freq=1):
        """Train for ``epochs`` epochs over ``x`` (arrays, a generator, a PyDataset, a Dataset,
        a torch DataLoader); returns a ``History``."""
        return loops.fit(self, x, y, batch_size, epochs, verbose, callbacks, validation_split, validation_data,
                         shuffle, class_weight, sample_weight, initial_epoch, steps_per_epoch, validation_steps,
                         validation_batch_size, validation_freq)

    @array_utils.accepts_text
    def evaluate(self, x=None, y=None, batch_size=None, verbose="auto", sample_weight=None,
                 steps=None, callbacks=None, return_dict=False, **kwargs):
        """The loss and metrics over the data: a float, ``[loss, *metrics]`` or a dict."""
        return loops.evaluate(self, x, y, batch_size, verbose, sample_weight, steps, callbacks, return_dict,
                              **kwargs)

    @array_utils.accepts_text
    def predict(self, x, batch_size=None, verbose="auto", steps=None, callbacks=None):
        """The model's outputs as NumPy arrays (one per output, in the outputs' structure)."""
        return loops.predict(self, x, batch_size, verbose, steps, callbacks)

    @array_utils.accepts_text
    def train_on_batch(self, x, y=None, sample_weight=None, class_weight=None, return_dict=False):
        """One training step on exactly this batch; returns this batch's loss and metrics
        (the metrics are reset first, as Keras 3 does)."""
        self._assert_compiled("train_on_batch")
        x, y, sample_weight = (array_utils.to_arrays(a, name, "train_on_batch")
                               for a, name in ((x, "x"), (y, "y"), (sample_weight, "sample_weight")))
        array_utils.check_batch("train_on_batch", x=x, y=y, sample_weight=sample_weight)
        check_no_nan(x, "train_on_batch", inputs=nan_check(self))
        if class_weight is not None:
            if sample_weight is not None:
                raise ValueError(
                    "Arguments `sample_weight` and `class_weight` cannot be specified at the "
                    f"same time. Received: sample_weight={sample_weight}, "
                    f"class_weight={class_weight}")
            sample_weight = array_utils.weigh_by_class(y, sample_weight, class_weight)
        self.reset_metrics()
        logs = self.train_step(pack_x_y_sample_weight(x, y, sample_weight))
        return self._batch_result(logs, return_dict)

    @array_utils.accepts_text
    def test_on_batch(self, x, y=None, sample_weight=None, return_dict=False):
        self._assert_compiled("test_on_batch")
        x, y, sample_weight = (array_utils.to_arrays(a, name, "test_on_batch")
                               for a, name in ((x, "x"), (y, "y"), (sample_weight, "sample_weight")))
        array_utils.check_batch("test_on_batch", x=x, y=y, sample_weight=sample_weight)
        check_no_nan(x, "test_on_batch", inputs=nan_check(self))
        self.reset_metrics()
        logs = self.test_step(pack_x_y_sample_weight(x, y, sample_weight))
        return self._batch_result(logs, return_dict)

    @array_utils.accepts_text
    def predict_on_batch(self, x):
        x = array_utils.to_arrays(x, "x", "predict_on_batch")
        array_utils.check_batch("predict_on_batch", allow_empty=True, x=x)
        out = self.predict_step(pack_x_y_sample_weight(x))
        return pack_sequence_as(out, [_to_numpy(o) for o in flatten(out)])

    def _batch_result(self, logs, return_dict):
        logs = self._final_logs(logs)
        if return_dict:
            return logs
        return self._flatten_metrics_in_order(logs)
