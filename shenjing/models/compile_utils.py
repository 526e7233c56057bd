"""What ``compile(loss=..., metrics=...)`` becomes: ``CompileLoss`` and ``CompileMetrics``.

Both are resolved on the first batch, once the outputs' number and shapes are known
(as Keras resolves them): a loss or metric may be given once, per output as a list,
or per output name as a dict.

* ``CompileLoss(y, y_pred, sample_weight=None, regularization_losses=None)``: the sum
  over outputs of ``loss_weight * loss(y, y_pred, sample_weight)``, plus the sum of
  ``regularization_losses`` (tf.keras's ``model.compiled_loss`` signature).
* ``TrackedLoss``: what ``model.compiled_loss`` returns: the same call, which also folds
  the total into the model's "loss" tracker (a ``LossTracker``) as tf.keras 2's did, so
  that a custom ``train_step`` that returns ``{m.name: m.result() for m in self.metrics}``
  reports it.
* ``CompileMetrics``: ``update_state(y, y_pred, sample_weight=None)``, ``result()`` (a
  dict ``{name: value}``, merged into the logs), ``reset_state()``, ``metrics``.
"""

from .. import losses as losses_module
from .. import metrics as metrics_module
from ..backend.tree import flatten
from .trainer_utils import _batch_size


def _output_names(count, output_names):
    """The names the per-output losses and metrics go by (the keys of their dicts): the
    model's output names, or "output" (one output) / output_1, output_2, ... when they do not
    fit. Keras takes ``loss={"out": ...}`` for a one-output model whose output layer is "out".
    ``output_names`` may be a function, read when the loss and metrics are built (the first
    step): a Sequential compiled before it is built learns its output's name there."""
    if callable(output_names):
        output_names = output_names()
    names = list(output_names or ())
    if len(names) == count:
        return names
    return ["output"] if count == 1 else [f"output_{i + 1}" for i in range(count)]


def _per_output(what, value, names):
    """``value`` (one, a list with one per output, or a dict by output name) as a list."""
    if isinstance(value, dict):
        unknown = set(value) - set(names)
        if unknown:
            raise ValueError(
                f"Expected the keys of `{what}` to be output names {names}. Received unknown keys "
                f"{sorted(unknown)}")
        return [value.get(name) for name in names]
    if isinstance(value, (list, tuple)) and len(names) > 1:
        if len(value) != len(names):
            raise ValueError(
                f"Expected `{what}` to have one entry per output ({len(names)}: {names}). "
                f"Received: {what} of length {len(value)}")
        return list(value)
    return [value] * len(names)


def _as_loss_object(identifier):
    loss = losses_module.get(identifier)
    if isinstance(loss, losses_module.Loss):
        return loss
    return losses_module.LossFunctionWrapper(loss, name=getattr(loss, "__name__", "loss"))


def _sample_weights(sample_weight, count):
    if sample_weight is None:
        return [None] * count
    sws = flatten(sample_weight)
    if len(sws) == 1 and count > 1:
        return sws * count
    if len(sws) != count:
        raise ValueError(f"Expected one sample_weight per output ({count}). Received: {len(sws)} arrays")
    return sws


class CompileLoss:
    """The compiled loss of every output (each weighted), plus regularization losses."""

    def __init__(self, loss, loss_weights=None, output_names=None):
        self.loss, self.loss_weights = loss, loss_weights
        self.output_names = output_names
        self.built = False

    def build(self, y_pred):
        names = self.names = _output_names(len(y_pred), self.output_names)
        self.identifiers = _per_output("loss", self.loss, names)
        self.fns = [None if l is None else _as_loss_object(l) for l in self.identifiers]
        weights = self.loss_weights
        if weights is None:
            weights = [1.0] * len(names)
        else:
            weights = [1.0 if w is None else float(w) for w in _per_output("loss_weights", weights, names)]
        self.weights = weights
        self.built = True

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        ys, preds = flatten(y_true), flatten(y_pred)
        if not self.built:
            self.build(preds)
        if len(ys) != len(preds):
            raise ValueError(
                f"Expected y to have one array per model output ({len(preds)}). Received: y with "
                f"{len(ys)} arrays")
        total = None
        for fn, weight, yt, yp, sw in zip(self.fns, self.weights, ys, preds, _sample_weights(sample_weight, len(ys))):
            if fn is None:
                continue
            value = fn(yt, yp, sample_weight=sw)
            if weight != 1.0:
                value = value * weight
            total = value if total is None else total + value
        for penalty in regularization_losses or ():
            total = penalty if total is None else total + penalty
        return total


class LossTracker(metrics_module.Mean):
    """The trainer's ``loss`` metric (a ``Mean``). tf.keras's ``compiled_loss`` updates it when
    called; a step that then also updates it by hand (Keras 3's guides do) replaces that update
    instead of counting the batch twice."""

    _before_compiled = None

    def add_compiled(self, value, batch_size):
        """Fold in ``value`` for a batch, as ``compiled_loss`` does, remembering the state before."""
        before = (self.total.copy(), self.count.copy())
        super().update_state(value, sample_weight=batch_size)
        self._before_compiled = before

    def update_state(self, values, sample_weight=None):
        before, self._before_compiled = self._before_compiled, None
        if before is not None:  # this batch was folded in by compiled_loss: replace it
            self.total[...], self.count[...] = before
        super().update_state(values, sample_weight=sample_weight)

    def reset_state(self):
        self._before_compiled = None
        super().reset_state()


class TrackedLoss:
    """``model.compiled_loss`` as tf.keras gave it: calling it computes the compiled loss and
    folds the value into the model's ``loss`` tracker (weighted by the batch size)."""

    def __init__(self, compiled, tracker):
        self._compiled, self._tracker = compiled, tracker

    def __call__(self, y_true, y_pred, sample_weight=None, regularization_losses=None):
        value = self._compiled(y_true, y_pred, sample_weight=sample_weight,
                               regularization_losses=regularization_losses)
        if value is not None:
            self._tracker.add_compiled(float(getattr(value, "data", value)), _batch_size(y_pred))
        return value

    def __getattr__(self, name):  # built, identifiers, fns, weights, ... of the compiled loss
        if name.startswith("__") or name in ("_compiled", "_tracker"):
            raise AttributeError(name)  # copy/pickle probe these before __init__ has run
        return getattr(self._compiled, name)


class CompileMetrics:
    """The compiled metrics of every output; ``result()`` is a dict of their values."""

    name = "compile_metrics"

    def __init__(self, metrics, weighted_metrics, output_names=None):
        self._metric_ids, self._weighted_ids = metrics, weighted_metrics
        self.output_names = output_names
        self.built = False
        self._entries = []  # (output index, metric, weighted)
        self._takes_tensor = []  # per entry: whether the metric gets the output Tensor

    @property
    def metrics(self):
        return [m for _, m, _ in self._entries]

    def build(self, ys, preds, loss_identifiers):
        names = _output_names(len(preds), self.output_names)
        loss_identifiers = loss_identifiers or [None] * len(names)
        self._entries = []
        for ids, weighted in ((self._metric_ids, False), (self._weighted_ids, True)):
            self._entries += _resolve(ids, weighted, names, loss_identifiers, ys, preds)
        # Metrics compute on arrays; only the crossentropy metrics take the Tensor, for the
        # logits that a softmax/sigmoid output carries.
        self._takes_tensor = [getattr(getattr(m, "_fn", None), "logits_activation", None) is not None
                              for _, m, _ in self._entries]
        self.built = True

    def update_state(self, y_true, y_pred, sample_weight=None, loss_identifiers=None):
        ys = flatten(y_true)
        preds = flatten(y_pred)  # Tensors stay Tensors: a softmax output keeps its logits mark
        if not self.built:
            self.build(ys, [getattr(p, "data", p) for p in preds], loss_identifiers)
        if not self._entries:
            return
        sws = _sample_weights(sample_weight, len(ys))
        for (output, metric, weighted), takes_tensor in zip(self._entries, self._takes_tensor):
            if output >= len(ys):
                raise ValueError(
                    f"Metric '{metric.name}' is for output {output}, but y has {len(ys)} array(s)")
            pred = preds[output]
            if not takes_tensor and getattr(pred, "_keras_mask", None) is None:
                pred = getattr(pred, "data", pred)  # a masked output stays a Tensor: its mask counts
            metric.update_state(ys[output], pred, sample_weight=sws[output] if weighted else None)

    def result(self):
        return {m.name: m.result() for _, m, _ in self._entries}

    def reset_state(self):
        for _, m, _ in self._entries:
            m.reset_state()

    reset_states = reset_state


def _resolve(ids, weighted, names, loss_identifiers, ys, preds):
    """[(output index, metric, weighted)] for compile's ``metrics``/``weighted_metrics``."""
    if not ids:
        return []
    if isinstance(ids, dict) and len(names) == 1:   # one output: every entry applies (as Keras)
        per_output = [[i for value in ids.values()
                       for i in (value if isinstance(value, (list, tuple)) else [value])]]
    elif isinstance(ids, dict):
        unknown = set(ids) - set(names)
        if unknown:
            raise ValueError(f"Expected the keys of `metrics` to be output names {names}. Received unknown "
                             f"keys {sorted(map(str, unknown))}")
        per_output = [ids.get(name) or [] for name in names]
    elif len(names) > 1 and all(isinstance(i, (list, tuple)) for i in ids):
        per_output = list(ids)
    else:
        per_output = [ids] + [[]] * (len(names) - 1)
    resolved = []
    for output, output_ids in enumerate(per_output):
        if output >= len(ys):
            break
        if isinstance(output_ids, (str, metrics_module.Metric)) or callable(output_ids):
            output_ids = [output_ids]
        for identifier in output_ids or []:
            if identifier is None:
                continue
            metric = metrics_module.get_for_compile(
                identifier, loss_identifiers[output], ys[output], preds[output])
            if len(names) > 1:
                metric.name = f"{names[output]}_{metric.name}"
            if weighted and not metric.name.startswith("weighted_"):
                metric.name = f"weighted_{metric.name}"
            resolved.append((output, metric, weighted))
    return resolved
