"""``Hashing``: values -> bins ``[0, num_bins)`` by a stable hash (Keras 3's contract).

Each value becomes bytes (strings as UTF-8; integers, and floats truncated to integers, as
their decimal text, as TF's ``as_string`` writes them), then
``bin = fingerprint64(bytes) % num_bins`` (FarmHash, TF's ``to_hash_bucket_fast``) or, with
``salt = [k0, k1]``, ``siphash24((k0, k1), bytes) % num_bins`` (TF's
``to_hash_bucket_strong``). With ``mask_value`` the values equal to it take bin 0 and the others
``1 + hash % (num_bins - 1)``. Outputs are int64 indices, or one_hot / multi_hot / count rows.
"""

import numpy as np

from ... import backend
from ...autograd import Tensor
from ...registry import keras_export
from ..layer import Layer
from .encoding import check_sparse, encode
from .farmhash import fingerprint64
from .output_dtype import OutputDTypeMixin, dtype_name
from .siphash import siphash24

OUTPUT_MODES = ("int", "one_hot", "multi_hot", "count")


def _is_text(value):
    return isinstance(value, (str, bytes, np.str_, np.bytes_))


def _equals_mask(value, mask_value):
    """``value == mask_value``, strings compared as UTF-8 bytes (b"" is masked by "", as TF
    compares a string tensor with the mask value cast to it)."""
    if _is_text(value) and _is_text(mask_value):
        return _as_bytes(value) == _as_bytes(mask_value)
    if _is_text(value) or _is_text(mask_value):
        return False
    return value == mask_value


def _as_bytes(value):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    if isinstance(value, (bool, np.bool_)):
        return b"true" if value else b"false"
    if isinstance(value, (float, np.floating)):
        value = int(value)
    return str(int(value)).encode("ascii")


@keras_export("keras.layers.Hashing")
class Hashing(OutputDTypeMixin, Layer):
    """Hash strings or integers into ``num_bins`` bins (bin 0 kept for ``mask_value``)."""

    _autocast_inputs = False

    def __init__(self, num_bins, mask_value=None, salt=None, output_mode="int", sparse=False,
                 **kwargs):
        dtype = dtype_name(kwargs.pop("dtype", None),
                           "int64" if output_mode == "int" else backend.floatx())
        super().__init__(dtype=self._init_output_dtype(dtype, "float32"), **kwargs)
        if num_bins is None or num_bins <= 0:
            raise ValueError("The `num_bins` for `Hashing` cannot be `None` or non-positive "
                             f"values. Received: num_bins={num_bins}.")
        if output_mode == "int" and self.output_dtype not in ("int32", "int64"):
            raise ValueError('When `output_mode="int"`, `dtype` should be an integer type, '
                             f"'int32' or 'int64'. Received: dtype={self.output_dtype}")
        if output_mode not in OUTPUT_MODES:
            raise ValueError("Invalid value for argument `output_mode`. Expected one of "
                             f"{OUTPUT_MODES}. Received: output_mode={output_mode}")
        if sparse and output_mode == "int":
            raise ValueError('`sparse` may only be true if `output_mode` is `"one_hot"`, '
                             f'`"multi_hot"`, or `"count"`. Received: sparse={sparse} and '
                             f"output_mode={output_mode}")
        check_sparse(self.name, sparse)
        self.num_bins = int(num_bins)
        self.mask_value = mask_value
        self.strong_hash = salt is not None
        self.output_mode = output_mode
        self.sparse = sparse
        self.salt = None
        if salt is not None:
            if isinstance(salt, (tuple, list)) and len(salt) == 2:
                self.salt = [int(s) for s in salt]
            elif isinstance(salt, (int, np.integer)) and not isinstance(salt, bool):
                self.salt = [int(salt), int(salt)]
            else:
                raise ValueError("The `salt` argument for `Hashing` can only be a tuple of size 2 "
                                 f"integers, or a single integer. Received: salt={salt}.")

    def _convert_input(self, x):
        return np.asarray(x.numpy() if isinstance(x, Tensor) else x)

    def _hash(self, data):
        if self.strong_hash:
            return siphash24(self.salt, data)
        return fingerprint64(data)

    def _check_values(self, values):
        """``values``, checked: finite numbers, or strings (str/bytes; an object array of them
        comes back as bytes) only: NaN, inf, None or a mix of strings and numbers have no bin."""
        where = f"Layer '{self.name}' (Hashing)"
        if values.dtype.kind == "f" and not np.all(np.isfinite(values)):
            raise ValueError(f"{where} expects finite numbers; received NaN or inf in an input of "
                             f"shape {values.shape}")
        if values.dtype.kind == "O":
            flat = values.reshape(-1).tolist()
            text = [_is_text(v) for v in flat]
            numbers = [isinstance(v, (int, float, np.integer, np.floating)) and not _is_text(v)
                       for v in flat]
            if not (all(text) or all(numbers)):
                odd = [v for v, t, n in zip(flat, text, numbers) if not (t or n)]
                what = f"holding {odd[0]!r}" if odd else "mixing strings and numbers"
                raise ValueError(f"{where} expects strings or numbers of one kind; received an "
                                 f"object array {what}")
            if all(numbers) and not all(np.isfinite(float(v)) for v in flat):
                raise ValueError(f"{where} expects finite numbers; received NaN or inf")
            if all(text):  # str and bytes together: sorted (np.unique) as bytes
                return np.array([_as_bytes(v) for v in flat], dtype=object).reshape(values.shape)
        return values

    def hash_values(self, values):
        """The bin of each value of the array ``values`` (int64, the shape of ``values``)."""
        values = np.asarray(values)
        masked = self.mask_value is not None and self.num_bins > 1
        bins = self.num_bins - 1 if masked else self.num_bins
        values = self._check_values(values)
        uniques, inverse = np.unique(values.reshape(-1), return_inverse=True)
        uniques = uniques.tolist()
        found = np.array([self._hash(_as_bytes(u)) % bins for u in uniques], dtype=np.int64)
        if masked:  # compared before floats are truncated, as Keras does
            found = np.where([_equals_mask(u, self.mask_value) for u in uniques], 0, found + 1)
        return found[inverse.reshape(-1)].reshape(values.shape)

    def call(self, inputs):
        values = np.asarray(inputs)
        if values.dtype.kind not in "fiubUSO":
            raise ValueError(f"Layer '{self.name}' (Hashing) expects strings or numbers; "
                             f"received dtype {values.dtype}")
        ids = self.hash_values(values)
        if self.output_mode == "int":
            return Tensor(ids.astype(self.output_dtype))
        return Tensor(encode(ids, False, self.output_mode, self.num_bins).astype(self.output_dtype))

    def compute_output_shape(self, input_shape):
        input_shape = tuple(input_shape)
        if self.output_mode == "int":
            return input_shape
        if len(input_shape) == 0:
            return (self.num_bins,)
        if self.output_mode == "one_hot" and (input_shape[-1] != 1 or len(input_shape) == 1):
            return input_shape + (self.num_bins,)
        return input_shape[:-1] + (self.num_bins,)

    def get_config(self):
        return {**super().get_config(), "dtype": self._config_dtype(), "num_bins": self.num_bins,
                "salt": self.salt, "mask_value": self.mask_value,
                "output_mode": self.output_mode, "sparse": self.sparse}
