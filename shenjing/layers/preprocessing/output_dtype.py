"""The ``dtype`` of a preprocessing layer whose outputs may be integers (``Hashing`` writes
int64 indices, ``CategoryEncoding(dtype="int32")`` integer counts): Keras 3 accepts integer
dtype policies there; shenjing's ``DTypePolicy`` holds float dtypes only, so the layer keeps a
float policy for itself and the integer name for its outputs and its config."""

import numpy as np

from ..layer_utils import DTypePolicy


def dtype_name(dtype, default):
    """The dtype name of ``dtype``: None (``default``), a name, a NumPy dtype, a policy or its
    config dict (as a ``.keras`` file holds it)."""
    if dtype is None:
        return default
    if isinstance(dtype, DTypePolicy):
        return dtype.name
    if isinstance(dtype, dict):
        if dtype.get("class_name") not in ("DTypePolicy", "FloatDTypePolicy"):
            raise ValueError(f"Invalid dtype policy config: {dtype!r}")
        return dtype_name(dtype.get("config", {}).get("name"), default)
    try:
        return np.dtype(dtype).name
    except TypeError as error:
        raise ValueError(f"Invalid dtype: expected a float or integer dtype name, received: "
                         f"{dtype!r}") from error


class OutputDTypeMixin:
    """``self.output_dtype`` (a float or integer dtype name) beside a float layer policy."""

    def _init_output_dtype(self, dtype, default):
        """Set ``self.output_dtype``; return the ``dtype`` to give ``Layer.__init__``."""
        name = dtype_name(dtype, default)
        if np.dtype(name).kind not in "fiu":
            raise ValueError(f"Invalid dtype: expected a float or integer dtype, received: {name!r}")
        self.output_dtype = name
        return name if np.dtype(name).kind == "f" else None

    def _symbolic_call(self, inputs, args, kwargs):
        outputs = super()._symbolic_call(inputs, args, kwargs)
        outputs.dtype = self._symbolic_output_dtype()
        return outputs

    def _symbolic_output_dtype(self):
        return self.output_dtype

    def _config_dtype(self):
        """The policy's config as Keras writes it, with the output dtype's name."""
        return {"module": "keras", "class_name": "DTypePolicy",
                "config": {"name": self.output_dtype}, "registered_name": None}
