"""``DropoutRNNCell``: the dropout masks of a recurrent cell, drawn once per sequence.

Keras 3's contract: a cell with ``dropout`` / ``recurrent_dropout`` rates asks for its masks
at every step (``get_dropout_mask(step_input)``, ``get_recurrent_dropout_mask(state)``); the
first request of a sequence draws them, later steps get the same ones, and the ``RNN``
forgets them (``reset_dropout_mask``) when the sequence ends. A mask holds 0 or
1 / (1 - rate); with ``dropout_mask_count`` set (one mask per gate) it is a list of masks.
"""

import numpy as np  # the seeded host generator draws the masks, then they move to backend.xp

from ... import backend
from ...autograd import Tensor


class DropoutRNNCell:
    """Mixin for cells with ``dropout``, ``recurrent_dropout`` and ``seed`` attributes."""

    def _dropout_generator(self):
        seed = getattr(self, "seed", None)
        if seed is None:
            return backend.rng()
        generator = self.__dict__.get("_seeded_generator")
        if generator is None:  # one generator per cell: a seed fixes the sequence of masks
            generator = np.random.default_rng(seed)
            object.__setattr__(self, "_seeded_generator", generator)
        return generator

    def _draw_mask(self, shape, dtype, rate):
        if rate >= 1.0:
            return Tensor(backend.xp.zeros(shape, dtype))
        keep = self._dropout_generator().random(shape, dtype=np.float32) >= rate
        scale = np.dtype(dtype).type(1.0 / (1.0 - rate))
        return Tensor(backend.xp.asarray(keep).astype(dtype) * scale)

    def _create_dropout_mask(self, step_input, rate):
        shape, dtype = tuple(step_input.shape), step_input.dtype
        if np.dtype(dtype).kind != "f":
            dtype = np.dtype(backend.floatx())
        count = getattr(self, "dropout_mask_count", None)
        if count is None:
            return self._draw_mask(shape, dtype, rate)
        return [self._draw_mask(shape, dtype, rate) for _ in range(count)]

    def get_dropout_mask(self, step_input):
        """The input mask(s) of this sequence (drawn on the first request), or None."""
        mask = self.__dict__.get("_dropout_mask")
        if mask is None and self.dropout > 0:
            mask = self._create_dropout_mask(step_input, self.dropout)
            object.__setattr__(self, "_dropout_mask", mask)  # not tracked: not a weight
        return mask

    def get_recurrent_dropout_mask(self, step_input):
        """The recurrent-state mask(s) of this sequence (drawn on the first request), or None."""
        mask = self.__dict__.get("_recurrent_dropout_mask")
        if mask is None and self.recurrent_dropout > 0:
            mask = self._create_dropout_mask(step_input, self.recurrent_dropout)
            object.__setattr__(self, "_recurrent_dropout_mask", mask)
        return mask

    def reset_dropout_mask(self):
        """Forget the input mask: the next sequence draws a new one."""
        object.__setattr__(self, "_dropout_mask", None)

    def reset_recurrent_dropout_mask(self):
        """Forget the recurrent mask: the next sequence draws a new one."""
        object.__setattr__(self, "_recurrent_dropout_mask", None)
