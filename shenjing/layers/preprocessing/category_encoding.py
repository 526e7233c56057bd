"""``CategoryEncoding``: integer ids in ``[0, num_tokens)`` -> one_hot / multi_hot / count rows
(Keras 3's contract and config).

one_hot: ``y[..., k] = (x == k)`` (a trailing axis of 1 is encoded in place); multi_hot:
``y[b, k] = any_j(x[b, j] == k)``; count: ``y[b, k] = sum_j (x[b, j] == k) * w[b, j]``
(``w = count_weights``, else 1). multi_hot and count reduce the last axis of an input of any
rank (a 1-D input is one sample). Outputs (count_weights too, truncated for an integer dtype,
as Keras casts them) are in the layer's ``dtype``, default ``backend.floatx()``. Ids outside ``[0, num_tokens)`` raise (Keras's documented contract; its JAX
backend silently writes zeros).
"""

import numpy as np

from ... import backend
from ...autograd import Tensor
from ...registry import keras_export
from ..layer import Layer
from .encoding import as_array, check_sparse, encode
from .output_dtype import OutputDTypeMixin

OUTPUT_MODES = ("count", "one_hot", "multi_hot")
MAX_TOKENS = 2 ** 31 - 1


@keras_export("keras.layers.CategoryEncoding")
class CategoryEncoding(OutputDTypeMixin, Layer):
    """Encode integer ids as one_hot / multi_hot / count rows of width ``num_tokens``."""

    _autocast_inputs = False

    def __init__(self, num_tokens=None, output_mode="multi_hot", sparse=False, **kwargs):
        dtype = kwargs.pop("dtype", None)
        if output_mode == "binary":  # Keras's deprecated name
            output_mode = "multi_hot"
        if output_mode not in OUTPUT_MODES:
            raise ValueError(f"Unknown arg for output_mode: {output_mode}. Expected one of "
                             f"{OUTPUT_MODES}.")
        if num_tokens is None:
            raise ValueError("num_tokens must be set to use this layer. If the number of tokens "
                             "is not known beforehand, use the IntegerLookup layer instead.")
        if isinstance(num_tokens, bool) or not isinstance(num_tokens, (int, np.integer)):
            raise ValueError(f"Layer CategoryEncoding: `num_tokens` must be an integer. "
                             f"Received: num_tokens={num_tokens!r}")
        if num_tokens < 1:
            raise ValueError(f"`num_tokens` must be >= 1. Received: num_tokens={num_tokens}.")
        if num_tokens > MAX_TOKENS:  # a config (a .keras file) could ask for any width
            raise ValueError(f"Layer CategoryEncoding: `num_tokens` must be at most {MAX_TOKENS} "
                             f"(int32 ids; each output row holds num_tokens values). Received: "
                             f"num_tokens={num_tokens}")
        super().__init__(dtype=self._init_output_dtype(dtype, backend.floatx()), **kwargs)
        check_sparse(self.name, sparse)
        self.num_tokens = int(num_tokens)
        self.output_mode = output_mode
        self.sparse = sparse

    def call(self, inputs, count_weights=None):
        ids = as_array(inputs)
        if ids.dtype.kind == "f":
            if ids.size and not np.all(ids == np.round(ids)):
                raise ValueError(f"Layer '{self.name}' (CategoryEncoding) expects integer ids; "
                                 f"received non-integer values of shape {ids.shape}")
        elif ids.dtype.kind not in "iub":
            raise ValueError(f"Layer '{self.name}' (CategoryEncoding) expects integer ids; "
                             f"received dtype {ids.dtype}")
        if ids.size and (ids.min() < 0 or ids.max() >= self.num_tokens):
            raise ValueError(
                f"Layer '{self.name}': input values must be in the range 0 <= values < "
                f"num_tokens with num_tokens={self.num_tokens}. Received: values from "
                f"{ids.min()} to {ids.max()}")
        if count_weights is not None:
            if self.output_mode != "count":
                raise ValueError("`count_weights` is not used when `output_mode` is not "
                                 f"`'count'`. Received `count_weights={count_weights}`.")
            count_weights = as_array(count_weights).astype(self.output_dtype)
        out = encode(ids, False, self.output_mode, self.num_tokens, count_weights)
        return Tensor(out.astype(self.output_dtype, copy=False))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if len(input_shape) == 0:
            return (self.num_tokens,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_tokens,)
        return input_shape[:-1] + (self.num_tokens,)

    def get_config(self):
        return {**super().get_config(), "dtype": self._config_dtype(),
                "num_tokens": self.num_tokens, "output_mode": self.output_mode}
