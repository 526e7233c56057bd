"""``TextVectorization``: strings -> token indices or bag-of-tokens rows (Keras 3's contract).

Each string is standardized, split into tokens, extended with n-grams (``text_ops``), then
looked up by an inner ``StringLookup(mask_token="", oov_token="[UNK]")``: index 0 pads,
index 1 is out of vocabulary. ``output_mode="int"`` gives (batch, output_sequence_length)
int64 indices (padded with 0 or cut; default: the longest row of the batch); the other modes
give (batch, depth) float32 rows.
"""

import numpy as np

from ...autograd import Tensor
from ...registry import keras_export
from ...serialization import deserialize_keras_object, serialize_keras_object
from ..layer import Layer
from . import text_ops
from .string_lookup import StringLookup

_STANDARDIZE = ("lower_and_strip_punctuation", "lower", "strip_punctuation")
_SPLIT = ("whitespace", "character")


def _check_choice(value, allowed, arg):
    if value is None or callable(value) or value in allowed:
        return
    raise ValueError(f"Invalid value for argument {arg}. Expected one of {allowed}, None, or a "
                     f"callable. Received: {arg}={value}")


@keras_export("keras.layers.TextVectorization")
class TextVectorization(Layer):
    """standardize -> split -> ngrams -> vocabulary lookup; ``adapt`` learns the vocabulary."""

    _autocast_inputs = False

    def __init__(self, max_tokens=None, standardize="lower_and_strip_punctuation",
                 split="whitespace", ngrams=None, output_mode="int", output_sequence_length=None,
                 pad_to_max_tokens=False, vocabulary=None, idf_weights=None, sparse=False,
                 ragged=False, encoding="utf-8", name=None, **kwargs):
        if sparse:
            raise ValueError("`sparse=True` can only be used with the TensorFlow backend.")
        if ragged:
            raise ValueError("`ragged=True` can only be used with the TensorFlow backend.")
        _check_choice(standardize, _STANDARDIZE, "standardize")
        _check_choice(split, _SPLIT, "split")
        output_mode = {"binary": "multi_hot", "tf-idf": "tf_idf"}.get(output_mode, output_mode)
        if output_mode not in ("int", "one_hot", "multi_hot", "count", "tf_idf"):
            raise ValueError("Invalid value for argument output_mode. Expected one of ('int', "
                             "'one_hot', 'multi_hot', 'count', 'tf_idf'). Received: "
                             f"output_mode={output_mode}")
        if not (ngrams is None or (isinstance(ngrams, int) and not isinstance(ngrams, bool))
                or (isinstance(ngrams, tuple) and all(isinstance(i, int) for i in ngrams))):
            raise ValueError("`ngrams` must be None, an integer, or a tuple of integers. "
                             f"Received: ngrams={ngrams}")
        if output_mode == "int" and not (output_sequence_length is None
                                         or isinstance(output_sequence_length, int)):
            raise ValueError("`output_sequence_length` must be either None or an integer when "
                             "`output_mode` is 'int'. Received: "
                             f"output_sequence_length={output_sequence_length}")
        if output_mode != "int" and output_sequence_length is not None:
            raise ValueError("`output_sequence_length` must not be set if `output_mode` is not "
                             f"'int'. Received output_sequence_length={output_sequence_length}.")
        has_vocabulary = kwargs.pop("has_input_vocabulary", vocabulary is not None)
        vocabulary_size = kwargs.pop("vocabulary_size", None)
        super().__init__(name=name, **kwargs)
        self._max_tokens = max_tokens
        self._standardize = standardize
        self._split = split
        self._ngrams_arg = ngrams
        # A range, not a tuple: ngrams=10**9 in a loaded config must not build 10**9 ints.
        self._ngrams = range(1, ngrams + 1) if isinstance(ngrams, int) else ngrams
        self._output_mode = output_mode
        self._output_sequence_length = output_sequence_length
        self._encoding = encoding
        self._has_input_vocabulary = has_vocabulary
        self._lookup_layer = StringLookup(
            max_tokens=max_tokens, vocabulary=vocabulary, idf_weights=idf_weights,
            pad_to_max_tokens=pad_to_max_tokens, mask_token="", output_mode=output_mode,
            has_input_vocabulary=has_vocabulary, encoding=encoding,
            vocabulary_size=vocabulary_size)

    def build(self, input_shape=None):
        pass

    # -- the string steps -----------------------------------------------------------------
    def _strings(self, inputs):
        x = np.asarray(getattr(inputs, "data", inputs))
        if x.dtype.kind == "S":
            return np.char.decode(x, self._encoding)
        if x.dtype.kind == "O":
            return self._lookup_layer._as_array(x)
        if x.dtype.kind != "U":
            raise ValueError(f"Layer '{self.name}' (TextVectorization) expects strings; received "
                             f"an array of dtype {x.dtype} and shape {x.shape}")
        return x

    def _preprocess(self, inputs, length=None):
        """Tokens: a str array (no split) or the padded rows of the split strings ("" pads)."""
        strings = text_ops.standardize(self._strings(inputs), self._standardize)
        if self._split is None:
            if self._ngrams is not None and strings.ndim >= 1:
                rows = [text_ops.ngrams(list(r), self._ngrams)
                        for r in strings.reshape(-1, strings.shape[-1]).tolist()]
                return text_ops.pad_rows(rows, length)
            return strings
        if strings.ndim > 1:
            if strings.shape[-1] != 1:
                raise ValueError(
                    "When using `TextVectorization` to tokenize strings, the input rank must be "
                    "1 or the last shape dimension must be 1. Received: inputs.shape="
                    f"{strings.shape} with rank={strings.ndim}")
            strings = strings[..., 0]
        rows = text_ops.split(strings.reshape(-1), self._split)
        if self._ngrams is not None:
            rows = [text_ops.ngrams(row, self._ngrams) for row in rows]
        return text_ops.pad_rows(rows, length)

    # -- vocabulary -----------------------------------------------------------------------
    def adapt(self, data, batch_size=None, steps=None):
        """Learn the vocabulary from an array or list of strings (one document each) or from a
        Dataset / iterable of string batches."""
        self._lookup_layer.reset_state()
        if isinstance(data, (list, tuple, np.ndarray, Tensor)):
            strings = self._strings(data)
            self.update_state(strings[:, None] if strings.ndim == 1 else strings)
        else:
            for i, batch in enumerate(data):
                if steps is not None and i >= steps:
                    break
                self.update_state(batch)
        self._lookup_layer.finalize_state()

    def update_state(self, data):
        self._lookup_layer.update_state(self._preprocess(data))

    def finalize_state(self):
        self._lookup_layer.finalize_state()

    def reset_state(self):
        self._lookup_layer.reset_state()

    def get_vocabulary(self, include_special_tokens=True):
        return self._lookup_layer.get_vocabulary(include_special_tokens)

    def vocabulary_size(self):
        return self._lookup_layer.vocabulary_size()

    def set_vocabulary(self, vocabulary, idf_weights=None):
        self._lookup_layer.set_vocabulary(vocabulary, idf_weights=idf_weights)

    # -- call -----------------------------------------------------------------------------
    def _convert_input(self, x):
        return np.asarray(getattr(x, "data", x))

    def call(self, inputs):
        if np.ndim(inputs) == 0:   # one string: the output of a batch of one, unbatched
            return Tensor(self.call(np.asarray(inputs)[None]).data[0])
        length = self._output_sequence_length if self._output_mode == "int" else None
        tokens = self._preprocess(inputs, length)
        if self._output_mode == "int" and length is not None and tokens.shape[-1] != length:
            padded = np.full(tokens.shape[:-1] + (length,), "", dtype=tokens.dtype)
            keep = min(length, tokens.shape[-1])
            padded[..., :keep] = tokens[..., :keep]
            tokens = padded
        return self._lookup_layer.call(tokens)

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self._output_mode == "int":
            return (input_shape[0], self._output_sequence_length)
        if self._split is None:
            if len(input_shape) <= 1:
                input_shape = input_shape + (1,)
        else:
            # The strings of (batch,) or (batch, 1) become (batch, tokens) before the lookup
            # (Keras 3 says (batch, 1, depth) here for (batch, 1), which its call does not give).
            if len(input_shape) > 1 and input_shape[-1] == 1:
                input_shape = input_shape[:-1]
            input_shape = input_shape + (None,)
        return self._lookup_layer.compute_output_shape(input_shape)

    def _symbolic_call(self, inputs, args, kwargs):
        outputs = super()._symbolic_call(inputs, args, kwargs)
        outputs.dtype = "int64" if self._output_mode == "int" else "float32"
        return outputs

    # -- config and saving ----------------------------------------------------------------
    def get_config(self):
        lookup = self._lookup_layer
        standardize, split = self._standardize, self._split
        config = {
            "max_tokens": lookup.max_tokens,
            "standardize": standardize if standardize is None or isinstance(standardize, str)
            else serialize_keras_object(standardize),
            "split": split if split is None or isinstance(split, str)
            else serialize_keras_object(split),
            "ngrams": self._ngrams_arg, "output_mode": self._output_mode,
            "output_sequence_length": self._output_sequence_length,
            "pad_to_max_tokens": lookup.pad_to_max_tokens, "sparse": False, "ragged": False,
            "vocabulary": lookup.get_config()["vocabulary"],
            "idf_weights": lookup.get_config()["idf_weights"],
            "encoding": self._encoding, "vocabulary_size": self.vocabulary_size(),
        }
        return {**super().get_config(), **config}

    @classmethod
    def from_config(cls, config):
        config = dict(config)
        for key in ("standardize", "split"):
            if config.get(key) is not None and not isinstance(config[key], str):
                config[key] = deserialize_keras_object(config[key])
        if isinstance(config.get("ngrams"), list):
            config["ngrams"] = tuple(config["ngrams"])
        return super().from_config(config)

    def save_own_variables(self, store):
        self._lookup_layer.save_own_variables(store)

    def load_own_variables(self, store):
        self._lookup_layer.load_own_variables(store)

    def save_assets(self, dir_path):
        self._lookup_layer.save_assets(dir_path)

    def load_assets(self, dir_path):
        self._lookup_layer.load_assets(dir_path)
