"""``StringLookup``: strings -> indices (or back with ``invert=True``), Keras 3's contract."""

import numpy as np

from ...registry import keras_export
from .index_lookup import IndexLookup


@keras_export("keras.layers.StringLookup")
class StringLookup(IndexLookup):
    """Strings (a NumPy array or list of ``str``; ``bytes`` are decoded with ``encoding``) to
    int64 indices ``[mask?, OOV..., tokens...]``, or one_hot/multi_hot/count/tf_idf rows.

    With ``num_oov_indices > 1`` an unknown string takes OOV index
    ``FarmHash64(utf-8 bytes) mod num_oov_indices`` (TensorFlow's ``to_hash_bucket_fast``)."""

    def __init__(self, max_tokens=None, num_oov_indices=1, mask_token=None, oov_token="[UNK]",
                 vocabulary=None, idf_weights=None, invert=False, output_mode="int",
                 pad_to_max_tokens=False, sparse=False, encoding="utf-8", name=None, salt=None,
                 **kwargs):
        self.encoding = encoding
        kwargs.pop("vocabulary_dtype", None)
        oov_method = kwargs.pop("oov_method", "floormod")
        if salt is not None:
            raise ValueError(f"StringLookup: `salt` (a SipHash key) is not supported by shenjing. "
                             f"Received: salt={salt}")
        if oov_method not in ("floormod", "farmhash"):
            raise ValueError("Invalid value for argument oov_method. Expected one of "
                             f"('floormod', 'farmhash'). Received: oov_method={oov_method}")
        self.oov_method = oov_method
        self.salt = None
        super().__init__(max_tokens=max_tokens, num_oov_indices=num_oov_indices,
                         mask_token=mask_token, oov_token=oov_token, vocabulary=vocabulary,
                         idf_weights=idf_weights, invert=invert, output_mode=output_mode,
                         pad_to_max_tokens=pad_to_max_tokens, sparse=sparse, name=name,
                         vocabulary_dtype="string", **kwargs)

    def _convert_token(self, token):
        if isinstance(token, bytes):
            return token.decode(self.encoding)
        return str(token)

    def _as_array(self, x):
        x = np.asarray(getattr(x, "data", x))
        if x.dtype.kind == "S":
            x = np.char.decode(x, self.encoding)
        elif x.dtype.kind == "O":
            x = np.vectorize(self._convert_token, otypes=[str])(x) if x.size else x.astype(str)
        return x

    def _oov_indices(self, values):
        from .farmhash import fingerprint64

        return np.array([fingerprint64(str(v).encode("utf-8")) % self.num_oov_indices
                         for v in values.reshape(-1).tolist()], dtype=np.int64).reshape(values.shape)

    def get_config(self):
        config = super().get_config()
        del config["vocabulary_dtype"]
        config["oov_method"] = self.oov_method
        config["salt"] = self.salt
        config["encoding"] = self.encoding
        return config
