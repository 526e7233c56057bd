"""What ``IndexLookup`` keeps aside: argument checks, the counts of ``adapt``, TF-IDF weights and
vocabulary files."""

import collections

import numpy as np

from ...safety import charge


def check_arguments(caller, max_tokens, num_oov_indices, output_mode, invert, sparse,
                    pad_to_max_tokens, idf_weights):
    """Keras 3's checks of IndexLookup's arguments, in its order and words."""
    if max_tokens is not None and max_tokens <= 1:
        raise ValueError(f"If set, `max_tokens` must be greater than 1. Received: "
                         f"max_tokens={max_tokens}")
    if pad_to_max_tokens and max_tokens is None:
        raise ValueError(f"If pad_to_max_tokens is True, must set `max_tokens`. Received: "
                         f"max_tokens={max_tokens}")
    if num_oov_indices < 0:
        raise ValueError("`num_oov_indices` must be greater than or equal to 0. Received: "
                         f"num_oov_indices={num_oov_indices}")
    if output_mode not in ("int", "one_hot", "multi_hot", "count", "tf_idf"):
        raise ValueError(f"Invalid value for argument output_mode. Expected one of "
                         f"('int', 'one_hot', 'multi_hot', 'count', 'tf_idf'). Received: "
                         f"output_mode={output_mode}")
    if invert and output_mode != "int":
        raise ValueError("`output_mode` must be `'int'` when `invert` is true. Received: "
                         f"output_mode={output_mode}")
    if sparse:
        raise ValueError(f"{caller}: `sparse=True` can only be used with the TensorFlow backend "
                         "(shenjing has no sparse tensors). Received: sparse=True")
    if idf_weights is not None and output_mode != "tf_idf":
        raise ValueError("`idf_weights` should only be set if `output_mode` is `'tf_idf'`. "
                         f"Received: idf_weights={idf_weights} and output_mode={output_mode}")


def split_vocabulary(vocabulary, special, mask_token, reserved_oov):
    """(tokens, whether ``vocabulary`` began with the ``special`` tokens), after Keras's checks:
    no repeated token, no mask token (nor, when inverting, OOV token) among the tokens."""
    found_special = vocabulary[:len(special)] == special
    tokens = vocabulary[len(special):] if found_special else vocabulary
    repeated = [t for t, n in collections.Counter(tokens).items() if n > 1]
    if repeated:
        raise ValueError("The passed vocabulary has at least one repeated term. Please "
                         f"uniquify your dataset. The repeated terms are: {repeated}")
    for label, token in (("mask_token", mask_token), ("oov_token", reserved_oov)):
        if token is not None and token in tokens:
            where = [i for i, t in enumerate(vocabulary) if t == token][-1]
            raise ValueError(
                f"Found reserved {'mask' if label == 'mask_token' else 'OOV'} token at "
                "unexpected location in `vocabulary`. Note that passed `vocabulary` does not "
                "need to include the OOV and mask tokens. Either remove all mask and OOV "
                "tokens, or include them only at the start of the vocabulary in precisely this "
                f"order: {special}. Received: {label}={token} at vocabulary index [{where}]")
    return tokens, found_special


class AdaptState:
    """Token counts (and, for TF-IDF, document counts) accumulated over ``update_state`` calls."""

    def __init__(self, tf_idf):
        self.counts = collections.Counter()
        self.tf_idf = tf_idf
        self.document_counts = collections.Counter()
        self.documents = 0

    def update(self, rows, convert):
        """Count the tokens of ``rows`` (an array whose first axis is the documents)."""
        tokens, counts = np.unique(rows.reshape(-1), return_counts=True)
        for token, count in zip(tokens.tolist(), counts.tolist()):
            self.counts[convert(token)] += count
        if self.tf_idf:
            for row in rows.reshape(rows.shape[0], -1):
                for token in np.unique(row).tolist():
                    self.document_counts[convert(token)] += 1
            self.documents += rows.shape[0]

    def ordered_tokens(self, special, max_learned):
        """Tokens by count, most frequent first; ties: the larger token first."""
        items = [(token, count) for token, count in self.counts.items()
                 if token not in special]
        items.sort(key=lambda item: (item[1], item[0]), reverse=True)
        tokens = [token for token, _ in items]
        return tokens if max_learned is None else tokens[:max_learned]

    def idf_weights(self, tokens, token_start, pad_to):
        """float32 weights: the specials get the mean; zeros past the tokens up to ``pad_to``."""
        frequency = np.array([self.document_counts[t] for t in tokens], dtype=np.float64)
        weights = np.log(1.0 + self.documents / (1.0 + frequency)).astype(np.float32)
        mean = weights.mean(dtype=np.float32) if weights.size else np.float32(0)
        back = 0 if pad_to is None else max(pad_to - token_start - weights.size, 0)
        return np.concatenate([np.full(token_start, mean, np.float32), weights,
                               np.zeros(back, np.float32)])


def idf_weights_from(idf_weights, vocabulary_length, found_special, token_start, pad_to):
    """The weights ``set_vocabulary`` keeps: the specials (when the vocabulary lacked them) get
    the mean of the given weights; zeros past them up to ``pad_to``."""
    weights = np.asarray(idf_weights, dtype=np.float64)
    if weights.ndim != 1:
        raise ValueError("TF-IDF data must be a 1-index array. "
                         f"Received: type(idf_weights)={type(idf_weights)}")
    if vocabulary_length != len(weights):
        raise ValueError("`idf_weights` must be the same length as vocabulary. "
                         f"len(idf_weights) is {len(weights)}; len(vocabulary) is "
                         f"{vocabulary_length}")
    front = 0 if found_special else token_start
    front_value = 0.0 if found_special else float(np.average(weights))
    back = 0 if pad_to is None else max(pad_to - front - len(weights), 0)
    padded = np.pad(weights, (front, back), "constant", constant_values=(front_value, 0.0))
    return padded.astype(np.float32)


def vocabulary_file_lines(path, vocabulary_dtype, asset=False):
    """The tokens of a vocabulary file, one per line (UTF-8); integers for IntegerLookup.

    A user's file is read as TensorFlow's TextFileInitializer reads it for Keras: lines end at
    "\n" (a "\r" before it is dropped) and an empty line is an error. An asset
    (``asset=True``) is read as Keras's ``load_assets`` reads it: Python's ``splitlines``,
    trailing empty lines dropped (the mask token "" may be the first line). What it takes in
    memory is charged to the current load's budget (nothing outside a load)."""
    with open(path, "rb") as f:
        data = f.read()
    # The text and its lines as Python strings (about 64 bytes of object per line).
    charge(len(data) * 2 + 64 * (data.count(b"\n") + 1), f"vocabulary file '{path}'")
    text = data.decode("utf-8")
    if asset:
        lines = text.splitlines()
        while lines and lines[-1] == "":
            lines.pop()
    else:
        lines = text.split("\n")
        if lines and lines[-1] == "":
            lines.pop()
        lines = [line[:-1] if line.endswith("\r") else line for line in lines]
        if "" in lines:
            position = len("\n".join(lines[:lines.index("")]))
            raise ValueError(f"Invalid content in {path}: empty line found at position "
                             f"{position + 1}.")
    if vocabulary_dtype == "string":
        return lines
    try:
        return [int(line) for line in lines]
    except ValueError as error:
        raise ValueError(f"Vocabulary file '{path}' must hold one integer per line for "
                         f"IntegerLookup: {error}") from None
