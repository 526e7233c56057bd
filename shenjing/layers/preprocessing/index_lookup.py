"""``IndexLookup``: the shared base of ``StringLookup`` and ``IntegerLookup`` (Keras 3's contract).

Indices: ``[mask] + [OOV] * num_oov_indices + tokens``; the mask takes index 0 only with
``output_mode="int"``. ``adapt`` orders the tokens by count, most frequent first, ties
broken by the larger token first (Keras's ``np.lexsort((tokens, counts))[::-1]``), and
keeps ``max_tokens - (number of special indices)`` of them. TF-IDF weights are
``log(1 + documents / (1 + documents holding the token))``, the special indices getting
their mean. Inputs are NumPy arrays (strings or integers); outputs are Tensors of int64
(``"int"``) or float32 (the other modes); ``invert=True`` gives NumPy tokens back.
"""

import os

import numpy as np

from ...autograd import Tensor
from ...safety import charge, current_budget
from ..layer import Layer
from . import encoding
from .lookup_saving import LookupSaving
from .lookup_state import (AdaptState, check_arguments, idf_weights_from, split_vocabulary,
                           vocabulary_file_lines)

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count", "tf_idf")


class IndexLookup(LookupSaving, Layer):
    """Maps tokens to indices (or back, with ``invert``); the base of the lookup layers."""

    _autocast_inputs = False

    def __init__(self, max_tokens, num_oov_indices, mask_token, oov_token, vocabulary_dtype,
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 sparse=False, pad_to_max_tokens=False, name=None, **kwargs):
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        check_arguments(type(self).__name__, max_tokens, num_oov_indices, output_mode, invert,
                        sparse, pad_to_max_tokens, idf_weights)
        self._frozen_vocab_size = kwargs.pop("vocabulary_size", None)
        self._has_input_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        kwargs.pop("trainable", None)
        kwargs.pop("dtype", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword argument(s): {kwargs}")
        super().__init__(name=name)
        self.invert = invert
        self.max_tokens = max_tokens
        self.num_oov_indices = num_oov_indices
        self.mask_token = mask_token
        self.oov_token = oov_token
        self.output_mode = output_mode
        self.sparse = False
        self.pad_to_max_tokens = pad_to_max_tokens
        self.vocabulary_dtype = vocabulary_dtype
        self.input_vocabulary = vocabulary if not isinstance(vocabulary, (str, os.PathLike)) else None
        self.input_idf_weights = idf_weights
        self._tokens = []
        self._index = {}
        self.idf_weights = None
        self._adapt_state = None
        if self.output_mode == "tf_idf" and self._has_input_vocabulary and idf_weights is None:
            raise ValueError("When specifying the `vocabulary` argument, in TF-IDF output mode, "
                             "the `idf_weights` argument must also be provided.")
        if idf_weights is not None:
            self.idf_weights = np.asarray(idf_weights, dtype=np.float32)
        if vocabulary is not None:
            self.set_vocabulary(vocabulary, idf_weights)
        self.built = True

    # -- the special indices --------------------------------------------------------------
    def _oov_start_index(self):
        return 1 if self.mask_token is not None and self.output_mode == "int" else 0

    def _token_start_index(self):
        return self._oov_start_index() + self.num_oov_indices

    def _convert_token(self, token):
        """A token as the Python value stored in the table (str or int)."""
        raise NotImplementedError

    # -- the vocabulary -------------------------------------------------------------------
    def vocabulary_size(self):
        """The number of indices: special ones plus tokens."""
        return len(self._tokens) + self._token_start_index()

    def get_vocabulary(self, include_special_tokens=True):
        """The token of each index (OOV indices show ``oov_token``; index 0 the mask)."""
        vocab = ([self.oov_token] * self._token_start_index()) + list(self._tokens)
        if self.mask_token is not None and self.output_mode == "int":
            vocab[0] = self.mask_token
        return vocab if include_special_tokens else vocab[self._token_start_index():]

    def set_vocabulary(self, vocabulary, idf_weights=None):
        """Replace the vocabulary (a list, an array, or a text file of one token per line), with
        or without the special tokens in front; ``idf_weights`` for ``output_mode="tf_idf"``."""
        if self.output_mode == "tf_idf":
            if idf_weights is None:
                raise ValueError("`idf_weights` must be set if output_mode is 'tf_idf'.")
        elif idf_weights is not None:
            raise ValueError("`idf_weights` should only be set if output_mode is `'tf_idf'`. "
                             f"Received: output_mode={self.output_mode} and "
                             f"idf_weights={idf_weights}")
        if isinstance(vocabulary, (str, os.PathLike)):
            if current_budget() is not None:
                raise ValueError(
                    "Requested the loading of a vocabulary file outside of the model archive "
                    f"while loading a file; this is refused. Vocabulary file: '{vocabulary}'")
            if not os.path.exists(vocabulary):
                raise ValueError(f"Vocabulary file {vocabulary} does not exist.")
            if self.output_mode == "tf_idf":
                raise ValueError("output_mode `'tf_idf'` does not support loading a vocabulary "
                                 "from file.")
            # Every line is a token from index token_start on (TF's TextFileInitializer):
            # special tokens in the file are not recognised as such.
            from_file, vocabulary = True, vocabulary_file_lines(vocabulary, self.vocabulary_dtype)
        else:
            from_file = False
        vocabulary = [self._convert_token(t) for t in np.asarray(vocabulary).reshape(-1).tolist()]
        if not vocabulary:
            raise ValueError(f"Cannot set an empty vocabulary. Received: vocabulary={vocabulary}")
        token_start = self._token_start_index()
        # Sizes from a loaded config become lists and arrays here: charged to the load first.
        padded = self.max_tokens if self.output_mode == "tf_idf" and self.pad_to_max_tokens else 0
        charge(16 * token_start + 12 * (padded or 0),
               f"layer '{self.name}': {token_start} special indices and {padded or 0} idf_weights")
        special = ([self.mask_token] * self._oov_start_index()
                   + [self.oov_token] * self.num_oov_indices)
        tokens, found_special = split_vocabulary(
            vocabulary, [] if from_file else special, None if from_file else self.mask_token,
            self.oov_token if self.invert and not from_file else None)
        size = token_start + len(tokens)
        if self.max_tokens is not None and size > self.max_tokens:
            raise ValueError("Attempted to set a vocabulary larger than the maximum vocab size. "
                             f"Received vocabulary size is {size}; `max_tokens` is "
                             f"{self.max_tokens}.")
        if self.output_mode == "tf_idf":
            weights = idf_weights_from(idf_weights, len(vocabulary), found_special, token_start,
                                       self.max_tokens if self.pad_to_max_tokens else None)
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            self.idf_weights = weights

    def _set_tokens(self, tokens):
        size = len(tokens) + self._token_start_index()
        if (self.output_mode != "int" and not self.pad_to_max_tokens
                and self._frozen_vocab_size is not None and size != self._frozen_vocab_size):
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, the "
                "vocabulary size cannot be changed after the layer is called. Old vocab size is "
                f"{self._frozen_vocab_size}, new vocab size is {size}")
        self._tokens = list(tokens)
        start = self._token_start_index()
        self._index = {t: start + i for i, t in enumerate(self._tokens)}
        self._frozen_vocab_size = self.vocabulary_size()

    # -- adapt ----------------------------------------------------------------------------
    def adapt(self, data, steps=None):
        """Learn the vocabulary (and TF-IDF weights) from ``data``: an array or list (a 1-D one
        holds one document per element), a ``shenjing.data.Dataset`` or any iterable of batches
        (a 1-D batch is one document)."""
        self.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, Tensor)):
            data = self._as_array(data)
            self.update_state(data[:, None] if data.ndim == 1 else data)
        elif hasattr(data, "__iter__"):
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        else:
            raise TypeError(f"{type(self).__name__}.adapt expects an array, a list or a Dataset. "
                            f"Received: data of type {type(data).__name__}")
        self.finalize_state()

    def reset_state(self):
        if not self._has_input_vocabulary:
            self._adapt_state = AdaptState(self.output_mode == "tf_idf")

    def update_state(self, data):
        if self._has_input_vocabulary:
            raise ValueError(f"Cannot adapt layer '{self.name}' after setting a static vocabulary "
                             "via `vocabulary` argument or `set_vocabulary()` method.")
        if self._adapt_state is None:
            self.reset_state()
        data = self._as_array(data)
        self._adapt_state.update(data[None] if data.ndim <= 1 else data, self._convert_token)

    def finalize_state(self):
        state = self._adapt_state
        if self._has_input_vocabulary or state is None or not state.counts:
            return
        max_learned = None if not self.max_tokens else self.max_tokens - self._token_start_index()
        tokens = state.ordered_tokens({self.mask_token, self.oov_token}, max_learned)
        self._set_tokens(tokens)
        if self.output_mode == "tf_idf":
            self.idf_weights = state.idf_weights(tokens, self._token_start_index(),
                                                 self.max_tokens if self.pad_to_max_tokens else None)
        self._adapt_state = AdaptState(self.output_mode == "tf_idf")

    # -- call -----------------------------------------------------------------------------
    def _as_array(self, x):
        x = getattr(x, "data", x)
        return np.asarray(x)

    def _convert_input(self, x):
        return self._as_array(x)

    def _lookup(self, values):
        """(indices, mask positions) of ``values``, an array of tokens."""
        flat = values.reshape(-1)
        uniques, inverse = np.unique(flat, return_inverse=True)
        found = np.array([self._index.get(self._convert_token(u), -1) for u in uniques.tolist()],
                         dtype=np.int64)
        ids = found[inverse].reshape(values.shape)
        is_mask = np.zeros(values.shape, dtype=bool)
        if self.mask_token is not None:
            is_mask = (values == self.mask_token)
        missing = (ids == -1) & ~is_mask
        if missing.any():
            if self.num_oov_indices == 0:
                raise ValueError(
                    "When `num_oov_indices=0` all inputs should be in vocabulary, found OOV "
                    f"values {values[missing].tolist()}, consider setting `num_oov_indices=1`.")
            ids[missing] = self._oov_indices(values[missing]) + self._oov_start_index()
        ids[is_mask] = 0
        return ids, is_mask

    def _oov_indices(self, values):
        """Which OOV index each out-of-vocabulary value takes (0 .. num_oov_indices - 1)."""
        return np.zeros(values.shape, dtype=np.int64)

    def _invert(self, ids):
        tokens = np.asarray(self.get_vocabulary(), dtype=object)
        ids = np.asarray(ids).astype(np.int64)
        out = np.full(ids.shape, self.oov_token, dtype=object)
        known = (ids >= self._token_start_index()) & (ids < len(tokens))
        out[known] = tokens[ids[known]]
        if self.mask_token is not None:
            out[ids == 0] = self.mask_token
        kind = "U" if self.vocabulary_dtype == "string" else "i8"
        return out.astype(kind if kind == "i8" else str)

    def _depth(self):
        if self.pad_to_max_tokens:
            return self.max_tokens
        if self._frozen_vocab_size is None:
            raise RuntimeError(
                f"When using `output_mode={self.output_mode}` and `pad_to_max_tokens=False`, you "
                "must set the layer's vocabulary before calling it. Either pass a `vocabulary` "
                "argument to the layer, or call `adapt` with some sample data.")
        return self._frozen_vocab_size

    def call(self, inputs):
        values = self._as_array(inputs)
        if self.invert:
            return self._invert(values)
        ids, is_mask = self._lookup(values)
        if self.output_mode == "int":
            return Tensor(ids)
        depth = self._depth()
        out = encoding.encode(ids, is_mask, "count" if self.output_mode == "tf_idf"
                              else self.output_mode, depth)
        if self.output_mode == "tf_idf":
            if self.idf_weights is None:
                raise ValueError("When `output_mode` is `'tf_idf'`, `idf_weights` must be provided.")
            out = out * self.idf_weights
        return Tensor(out.astype(np.float32))

    # -- shapes, dtypes, config -----------------------------------------------------------
    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        depth = self.max_tokens if self.pad_to_max_tokens else self._frozen_vocab_size
        if self.output_mode == "one_hot" and not (len(input_shape) > 1 and input_shape[-1] == 1):
            return input_shape + (depth,)
        return input_shape[:-1] + (depth,)

    def _output_dtype(self):
        if self.invert:
            return self.vocabulary_dtype
        return "int64" if self.output_mode == "int" else "float32"

    def _symbolic_call(self, inputs, args, kwargs):
        outputs = super()._symbolic_call(inputs, args, kwargs)
        outputs.dtype = self._output_dtype()
        return outputs

    def get_build_config(self):
        return {}

    def build_from_config(self, config):
        self.built = True

    def get_config(self):
        config = {
            "invert": self.invert, "max_tokens": self.max_tokens,
            "num_oov_indices": self.num_oov_indices, "oov_token": self.oov_token,
            "mask_token": self.mask_token, "output_mode": self.output_mode, "sparse": False,
            "pad_to_max_tokens": self.pad_to_max_tokens,
            "vocabulary_dtype": self.vocabulary_dtype,
            "idf_weights": _listify(self.input_idf_weights),
            "vocabulary": _listify(self.input_vocabulary),
            "vocabulary_size": self._frozen_vocab_size,
        }
        return {**super().get_config(), **config}


def _listify(x):
    if isinstance(x, Tensor):
        x = x.data
    if isinstance(x, np.ndarray):
        x = x.tolist()
    return x
