"""``IntegerLookup``: integers -> indices (or back with ``invert=True``), Keras 3's contract."""

import numpy as np

from ...registry import keras_export
from .index_lookup import IndexLookup


@keras_export("keras.layers.IntegerLookup")
class IntegerLookup(IndexLookup):
    """Integers to int64 indices ``[mask?, OOV..., tokens...]`` (or one_hot/multi_hot/count/
    tf_idf rows). With ``num_oov_indices > 1`` an unknown value ``v`` takes OOV index
    ``v mod num_oov_indices`` (Keras's default ``oov_method="floormod"``), or with
    ``oov_method="farmhash"`` FarmHash64 of its decimal text mod ``num_oov_indices``."""

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token=-1,
                 vocabulary=None, vocabulary_dtype="int64", idf_weights=None, invert=False,
                 output_mode="int", sparse=False, pad_to_max_tokens=False,
                 oov_method="floormod", salt=None, name=None, **kwargs):
        if max_tokens is not None and max_tokens <= 1:
            raise ValueError("If `max_tokens` is set for `IntegerLookup`, it must be greater "
                             f"than 1. Received: max_tokens={max_tokens}")
        if num_oov_indices < 0:
            raise ValueError("The value of `num_oov_indices` argument for `IntegerLookup` must "
                             f">= 0. Received: num_oov_indices={num_oov_indices}")
        if vocabulary_dtype != "int64":
            raise ValueError("Only `vocabulary_dtype='int64'` is supported at this time. "
                             f"Received: vocabulary_dtype={vocabulary_dtype}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError("Invalid value for argument oov_method. Expected one of "
                             f"('floormod', 'farmhash'). Received: oov_method={oov_method}")
        if salt is not None:
            raise ValueError("IntegerLookup: `salt` (a SipHash key) is not supported by "
                             f"shenjing. Received: salt={salt}")
        self.oov_method = oov_method
        self.salt = salt
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         vocabulary_dtype=vocabulary_dtype, idf_weights=idf_weights,
                         invert=invert, output_mode=output_mode, sparse=sparse,
                         pad_to_max_tokens=pad_to_max_tokens, name=name, **kwargs)

    def _convert_token(self, token):
        return int(token)

    def _as_array(self, x):
        x = np.asarray(getattr(x, "data", x))
        if x.dtype.kind == "f":
            if x.size and not np.all(np.isfinite(x) & (x == np.round(x))):
                raise ValueError(f"Layer '{self.name}' (IntegerLookup) expects integer inputs; "
                                 f"received non-integer floats of shape {x.shape}")
            x = x.astype(np.int64)
        elif x.dtype.kind in "iub":
            x = x.astype(np.int64, copy=False)
        elif x.size or x.dtype.kind not in "UO":
            raise ValueError(f"Layer '{self.name}' (IntegerLookup) expects integer inputs; "
                             f"received dtype {x.dtype}")
        return x

    def _oov_indices(self, values):
        if self.oov_method == "farmhash":   # TF: to_hash_bucket_fast(as_string(v))
            from .farmhash import fingerprint64

            return np.array([fingerprint64(str(int(v)).encode()) % self.num_oov_indices
                             for v in values.reshape(-1).tolist()],
                            dtype=np.int64).reshape(values.shape)
        return np.mod(values.astype(np.int64), self.num_oov_indices)

    def get_config(self):
        config = super().get_config()
        for key in ("oov_token", "mask_token"):
            if config[key] is not None:
                config[key] = int(config[key])
        if config["vocabulary"] is not None:
            config["vocabulary"] = [int(v) for v in config["vocabulary"]]
        config["oov_method"] = self.oov_method
        config["salt"] = self.salt
        return config
