"""``Metric``: state accumulated over batches, with Keras 3's contract.

``update_state(y_true, y_pred, sample_weight=None)`` folds one batch into the
state, ``result()`` reads the value, ``reset_state()`` zeroes the state (the
trainer calls it at the start of each epoch), and ``m(y_true, y_pred)`` does an
update and returns the result.

Metrics are computed on arrays of the backend's array module (``backend.xp``),
outside the autodiff graph: inputs may be arrays, lists, scalars or shenjing
Tensors. The state lives in ``variables``, a list of ``xp`` arrays of ``dtype``
that are updated in place; ``save_own_variables``/``load_own_variables`` move
it to and from a weights file as NumPy arrays.

``result()`` returns a Python ``float`` for a scalar metric (Keras returns a
scalar tensor), and a NumPy array where Keras returns a vector (Precision or
TruePositives with several thresholds).
"""

import re

import numpy as np

from .. import backend, initializers
from ..registry import function_dict, keras_export
from .metric_variable import wrap

EPSILON = 1e-7  # keras.backend.epsilon()


def to_array(x, dtype=None):
    """A NumPy array from an array, list, scalar or Tensor (``.data``)."""
    x = getattr(x, "data", x)
    return backend.xp.asarray(x, dtype=dtype)


def to_snake_case(name):
    """Keras's ``to_snake_case``: "TopKCategoricalAccuracy" -> "top_k_categorical_accuracy"."""
    name = re.sub(r"\W+", "", name)
    name = re.sub("(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub("([a-z])([A-Z])", r"\1_\2", name).lower()


def squeeze_or_expand_to_same_rank(x1, x2, expand_rank_1=True):
    """Make ranks equal when they differ by one trailing axis of size 1 (Keras's rule)."""
    r1, r2 = x1.ndim, x2.ndim
    if r1 == r2 + 1 and x1.shape[-1] == 1:
        if r2 == 1 and expand_rank_1:
            x2 = x2[..., None]
        else:
            x1 = x1[..., 0]
    elif r2 == r1 + 1 and x2.shape[-1] == 1:
        if r1 == 1 and expand_rank_1:
            x1 = x1[..., None]
        else:
            x2 = x2[..., 0]
    return x1, x2


def check_same_shape(name, y_true, y_pred, hint=""):
    """Raise ValueError naming ``name`` and both shapes unless they are equal."""
    if y_true.shape != y_pred.shape:
        raise ValueError(
            f"{name}: expected y_true and y_pred of the same shape, received y_true of shape "
            f"{y_true.shape} and y_pred of shape {y_pred.shape}{hint}"
        )


def divide_no_nan(x, y):
    """x / y, with 0 where y == 0."""
    if getattr(x, "ndim", 0) == 0 and getattr(y, "ndim", 0) == 0:
        # The scalar case (every Mean), in float64 as below, as a host value.
        y = float(y)
        return np.float64(0.0 if y == 0 else float(x) / y)
    x = backend.xp.asarray(x, dtype=np.float64)
    y = backend.xp.asarray(y, dtype=np.float64)
    safe = backend.xp.where(y == 0, 1.0, y)
    return backend.xp.where(y == 0, 0.0, x / safe)


def as_result(value):
    """A Python float for a scalar, otherwise a float array (the value ``result()`` returns)."""
    value = backend.to_numpy(value)  # results are host values
    if value.ndim == 0:
        return float(value)
    return value.astype(np.float64)


@keras_export("keras.metrics.Metric")
class Metric:
    """Base class: subclasses create state with ``add_variable`` in ``__init__`` and
    implement ``update_state`` and ``result``.

    ``_direction`` is Keras's hint for callbacks in "auto" mode: "up" when higher is
    better (accuracies, AUC), "down" when lower is (errors, crossentropies), else None.
    """

    _direction = None

    def __init__(self, name=None, dtype=None):
        self.name = name or to_snake_case(type(self).__name__)
        self._dtype = dtype or backend.floatx()
        self._variables = []
        self._variable_names = []

    @property
    def dtype(self):
        return self._dtype

    @property
    def variables(self):
        """The state arrays, in creation order (updated in place, never replaced)."""
        return list(self._variables)

    @property
    def variable_names(self):
        return list(self._variable_names)

    def add_variable(self, shape=(), initializer="zeros", dtype=None, aggregation="sum", name=None):
        """A state array of ``shape`` filled by ``initializer`` (a name, an initializer or a
        callable ``(shape, dtype)``), registered in ``variables``. It is a ``MetricVariable``:
        an array updated in place that also has ``assign``/``assign_add``/``assign_sub``.
        ``aggregation`` (how replicas would combine it) is accepted for Keras's signature."""
        if aggregation not in ("none", "mean", "sum", "only_first_replica"):
            raise ValueError(
                'Expected `aggregation` to be one of "none", "mean", "sum", "only_first_replica". '
                f"Received: aggregation={aggregation!r}")
        dtype = dtype or self.dtype
        value = backend.xp.zeros(shape, dtype=dtype)
        if not (isinstance(initializer, str) and initializer == "zeros"):
            value[...] = to_array(initializers.get(initializer)(tuple(value.shape), dtype=dtype))
        value = wrap(value)
        self._variables.append(value)
        self._variable_names.append(name or f"variable_{len(self._variables) - 1}")
        return value

    def add_weight(self, name=None, shape=(), initializer="zeros", dtype=None, aggregation="sum"):
        """tf.keras 2's name of ``add_variable`` (its arguments in tf.keras's order)."""
        return self.add_variable(shape=shape, initializer=initializer, dtype=dtype,
                                 aggregation=aggregation, name=name)

    def assign_variables(self, values):
        """Load state saved from ``variables`` (same count and shapes), in place."""
        values = list(values)
        if len(values) != len(self._variables):
            raise ValueError(
                f"Metric '{self.name}': expected {len(self._variables)} state arrays "
                f"({self._variable_names}), received {len(values)}"
            )
        arrays = [to_array(v) for v in values]
        for name, var, new in zip(self._variable_names, self._variables, arrays):
            if var.shape != new.shape:
                raise ValueError(
                    f"Metric '{self.name}': state '{name}' has shape {var.shape}, "
                    f"received shape {new.shape}"
                )
        for var, new in zip(self._variables, arrays):
            var[...] = new

    def save_own_variables(self, store):
        """Write the state arrays into ``store`` under "0", "1", ... (Keras 3's contract)."""
        for i, var in enumerate(self._variables):
            store[str(i)] = np.array(backend.to_numpy(var), copy=True)  # host copies

    def load_own_variables(self, store):
        """Read what ``save_own_variables`` wrote; the count and every shape are checked
        before anything is assigned. A file without this metric's group (``store.exists``
        false) leaves the state as it is: metrics start each ``fit`` from zero anyway."""
        if not getattr(store, "exists", True):
            return
        keys = [str(i) for i in range(len(self._variables))]
        if sorted(store.keys()) != sorted(keys):
            raise ValueError(
                f"Metric '{self.name}' ({type(self).__name__}) expects {len(keys)} variables "
                f"{self._variable_names} at '{getattr(store, 'path', '') or 'the store'}', but "
                f"received {len(store)}: {sorted(store)}")
        self.assign_variables([store[key] for key in keys])

    def reset_state(self):
        """Zero every state array (called at the start of each epoch)."""
        for var in self._variables:
            var[...] = 0

    def reset_states(self):
        """tf.keras 2's name of ``reset_state``."""
        self.reset_state()

    def update_state(self, *args, **kwargs):
        raise NotImplementedError(f"{type(self).__name__} must implement update_state")

    def result(self):
        raise NotImplementedError(f"{type(self).__name__} must implement result")

    def __call__(self, *args, **kwargs):
        self.update_state(*args, **kwargs)
        return self.result()

    def get_config(self):
        return {"name": self.name, "dtype": self.dtype}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<{type(self).__name__} name={self.name}>"


# Built-in metric functions by name, so MeanMetricWrapper configs can name their fn.
FUNCTIONS = {}


def register_function(fn):
    """Record a built-in metric function under its ``__name__`` (a decorator)."""
    FUNCTIONS[fn.__name__] = fn
    return fn


def serialize_function(fn):
    """Keras's dict for a function: ``{"class_name": "function", "config": name, ...}``."""
    name = getattr(fn, "__name__", None)
    builtin = name is not None and FUNCTIONS.get(name) is fn
    return function_dict(fn, "keras.metrics" if builtin else None, name)


def deserialize_function(config, custom_objects=None):
    """The function a ``serialize_function`` dict (or a bare name) names."""
    if callable(config):
        return config
    name = config.get("config") if isinstance(config, dict) else config
    custom_objects = custom_objects or {}
    fn = custom_objects.get(name) or FUNCTIONS.get(name)
    if fn is None:
        raise ValueError(
            f"Unknown metric function: {name!r}. Expected one of {sorted(FUNCTIONS)}, "
            "or a function passed in custom_objects."
        )
    return fn
