"""``DataAdapter``: the one interface the epoch iterator reads any kind of data through.

* ``get_numpy_iterator()``: a fresh iterator over one pass of the data, each element a
  batch ``x``, ``(x, y)`` or ``(x, y, sample_weight)`` (see ``unpack_x_y_sample_weight``);
* ``num_batches``: batches in one pass, or ``None`` when unknown or endless;
* ``on_epoch_begin()`` / ``on_epoch_end()``: hooks around each epoch; ``close()``
  releases workers at the end of ``fit``/``evaluate``/``predict``.
"""

from ...utils.data_utils import pack_x_y_sample_weight, unpack_x_y_sample_weight
from . import array_utils


class DataAdapter:
    """Base class; subclasses set ``num_batches`` and implement ``get_numpy_iterator``."""

    num_batches = None
    batch_size = None
    class_weight = None

    def get_numpy_iterator(self):
        raise NotImplementedError

    def on_epoch_begin(self):
        pass

    def on_epoch_end(self):
        pass

    def close(self):
        pass

    def _with_class_weight(self, iterator):
        """Batches with ``class_weight`` turned into (or multiplied into) sample weights."""
        for batch in iterator:
            x, y, sw = unpack_x_y_sample_weight(batch)
            yield pack_x_y_sample_weight(x, y, array_utils.weigh_by_class(y, sw, self.class_weight))


def check_no_targets(kind, y, sample_weight, class_weight=None):
    """Keras's rule: data that yields whole batches carries its own y and weights."""
    for name, value in (("y", y), ("sample_weight", sample_weight)):
        if value is not None:
            raise ValueError(
                f"Expected `{name}` to be None when x is {kind}: its batches must hold (x, y) or "
                f"(x, y, sample_weight). Received: {name} of type {type(value).__name__}")

