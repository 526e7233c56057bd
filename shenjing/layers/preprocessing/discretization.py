"""``Discretization``: bucket continuous values by ``bin_boundaries`` (Keras 3's contract).

``y = i`` such that ``b[i-1] <= x < b[i]`` (``b[-1] = -inf``, ``b[len] = +inf``; NumPy's
``digitize``), as int32, or its one_hot / multi_hot / count rows of width ``len(b) + 1``.
``adapt(data)`` learns ``num_bins - 1`` boundaries from approximate quantiles (Keras's summary
algorithm, ``quantile_summary``); as in Keras the boundaries live in the config (there are no
weights), so ``.keras`` files keep them.

Batches: Keras summarizes each batch and merges the summaries, which biases the quantiles
(batches of 32 of N(0, 1) give a median near 0.26). Here the values of all batches are held
(up to ``MAX_HELD_VALUES``) and summarized as one array at ``finalize_state``, so batched data
gives the boundaries that the same data in one array gives (one array: Keras's boundaries,
bit for bit). Past the bound the held values and later batches go through Keras's merge, with
a warning.
"""

import warnings

import numpy as np

from ...autograd import Tensor
from ...registry import keras_export
from ..layer import Layer
from . import quantile_summary
from .encoding import as_array, check_sparse, encode
from .output_dtype import OutputDTypeMixin

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")
MAX_HELD_VALUES = 10 ** 6


def _first(batch):
    """The inputs of an (x, y) or (x, y, sample_weight) batch."""
    return batch[0] if isinstance(batch, tuple) else batch


@keras_export("keras.layers.Discretization")
class Discretization(OutputDTypeMixin, Layer):
    """Bucket values into ``len(bin_boundaries) + 1`` bins (given, or learnt by ``adapt``)."""

    _autocast_inputs = False

    def __init__(self, bin_boundaries=None, num_bins=None, epsilon=0.01, output_mode="int",
                 sparse=False, dtype=None, name=None):
        super().__init__(name=name, dtype=None if dtype is None
                         else self._init_output_dtype(dtype, None))
        if dtype is None:
            self.output_dtype = self.compute_dtype
        check_sparse(self.name, sparse)
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"Invalid value for argument `output_mode`. Expected one of "
                             f"{OUTPUT_MODES}. Received: output_mode={output_mode}")
        if num_bins is not None and num_bins < 0:
            raise ValueError("`num_bins` must be greater than or equal to 0. "
                             f"Received: `num_bins={num_bins}`")
        if num_bins is not None and bin_boundaries is not None:
            raise ValueError("Both `num_bins` and `bin_boundaries` should not be set. Received: "
                             f"`num_bins={num_bins}` and `bin_boundaries={bin_boundaries}`")
        if num_bins is None and bin_boundaries is None:
            raise ValueError("You need to set either `num_bins` or `bin_boundaries`.")
        self.bin_boundaries = None if bin_boundaries is None else _boundaries(bin_boundaries)
        self.num_bins = num_bins
        self.epsilon = epsilon
        self.output_mode = output_mode
        self.sparse = sparse
        self.summary = None if self.bin_boundaries else quantile_summary.empty()
        self._held, self._held_count = [], 0

    # -- adapt ----------------------------------------------------------------------------
    def adapt(self, data, steps=None, *, batch_size=None):
        """Learn ``num_bins - 1`` boundaries from ``data``: an array or Tensor (one batch, or
        batches of ``batch_size`` rows), a ``shenjing.data.Dataset`` or any iterable of batches
        (an (x, y) batch uses x); ``steps`` limits the number of batches."""
        if self.num_bins is None:
            raise ValueError("Cannot adapt a Discretization layer that has been initialized "
                             "with `bin_boundaries`, use `num_bins` instead.")
        if self.num_bins < 1:
            raise ValueError(f"Layer '{self.name}' (Discretization) cannot adapt with "
                             f"num_bins={self.num_bins}: expected num_bins >= 1")
        self.reset_state()
        if isinstance(data, (np.ndarray, Tensor)):
            data = as_array(data)
            if batch_size is None:
                batches = [data]
            else:
                batches = (data[i:i + batch_size] for i in range(0, max(len(data), 1), batch_size))
        elif hasattr(data, "__iter__") and not isinstance(data, (str, bytes)):
            if batch_size is not None:
                raise ValueError("`batch_size` is only used with array inputs; a Dataset or an "
                                 f"iterable already yields batches. Received: batch_size={batch_size}")
            batches = data
        else:
            raise TypeError(f"Discretization.adapt expects an array, a Dataset or an iterable of "
                            f"batches. Received: data of type {type(data).__name__}")
        for i, batch in enumerate(batches):
            if steps is not None and i >= steps:
                break
            self.update_state(_first(batch))
        self.finalize_state()

    def update_state(self, data):
        """Hold the batch's values (see the module docstring); past ``MAX_HELD_VALUES``, merge
        summaries as Keras does."""
        values = np.array(as_array(data), dtype=np.float32).reshape(-1)
        if self.summary is None:
            self.summary = quantile_summary.empty()
        if self._held is not None and self._held_count + values.size <= MAX_HELD_VALUES:
            self._held.append(values)
            self._held_count += values.size
            return
        if self._held is not None:
            if self._held_count or self.summary.shape[1]:
                warnings.warn(f"Layer '{self.name}' (Discretization): adapting on more than "
                              f"{MAX_HELD_VALUES} values; the boundaries come from merged "
                              "approximate summaries of the batches (Keras's algorithm) and may "
                              "be biased.", stacklevel=2)
            self.summary = self._summary_with_held()
            self._held = None
        self.summary = quantile_summary.merge(
            quantile_summary.summarize(values, self.epsilon), self.summary, self.epsilon)

    def _summary_with_held(self):
        if not self._held:
            return self.summary
        values = np.concatenate(self._held)
        return quantile_summary.merge(
            quantile_summary.summarize(values, self.epsilon), self.summary, self.epsilon)

    def finalize_state(self):
        if self.num_bins is None:
            return
        self.bin_boundaries = quantile_summary.bin_boundaries(
            self._summary_with_held(), self.num_bins).tolist()

    def reset_state(self):
        if self.num_bins is not None:
            self.summary = quantile_summary.empty()
            self._held, self._held_count = [], 0

    # -- call -----------------------------------------------------------------------------
    def _depth(self):
        return len(self.bin_boundaries) + 1 if self.bin_boundaries is not None else self.num_bins

    def call(self, inputs):
        if self.bin_boundaries is None:
            raise ValueError("You need to either pass the `bin_boundaries` argument at "
                             "construction time or call `adapt(dataset)` before you can start "
                             "using the `Discretization` layer.")
        values = as_array(inputs)
        if values.dtype.kind not in "fiub":
            raise ValueError(f"Layer '{self.name}' (Discretization) expects numeric inputs; "
                             f"received dtype {values.dtype}")
        ids = np.digitize(values.astype(np.float32),
                          np.asarray(self.bin_boundaries, dtype=np.float32))
        if self.output_mode == "int":
            return Tensor(ids.astype(np.int32))
        return Tensor(encode(ids, False, self.output_mode, self._depth()).astype(self.output_dtype))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self._depth()
        if self.output_mode == "one_hot":
            if len(input_shape) > 1 and input_shape[-1] == 1:
                return input_shape[:-1] + (depth,)
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def _symbolic_output_dtype(self):
        return "int32" if self.output_mode == "int" else self.output_dtype

    # -- config ---------------------------------------------------------------------------
    def get_config(self):
        return {"bin_boundaries": self.bin_boundaries, "num_bins": self.num_bins,
                "epsilon": self.epsilon, "output_mode": self.output_mode, "sparse": self.sparse,
                "name": self.name, "dtype": self.output_dtype}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        boundaries = config.get("bin_boundaries")
        if boundaries is not None and config.get("num_bins") is not None:
            # An adapted layer writes both; __init__ takes one, so the boundaries come after.
            config.pop("bin_boundaries")
            layer = cls(**config)
            layer.bin_boundaries = _boundaries(boundaries)
            layer.summary = None
            return layer
        return cls(**config)


def _boundaries(values):
    """A list of numbers, ascending or descending (``digitize`` needs monotonic bins; Keras's
    ``ops.digitize`` takes both, as NumPy's)."""
    values = np.asarray(values).reshape(-1)
    if values.dtype.kind not in "fiu":
        raise ValueError(f"`bin_boundaries` must be a list of numbers. Received: "
                         f"bin_boundaries={values.tolist()}")
    steps = np.diff(values)
    if values.size > 1 and np.any(steps < 0) and np.any(steps > 0):
        raise ValueError(f"`bin_boundaries` must be sorted (ascending or descending). Received: "
                         f"bin_boundaries={values.tolist()}")
    return values.tolist()
