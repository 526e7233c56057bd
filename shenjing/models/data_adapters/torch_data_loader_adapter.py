"""``TorchDataLoaderAdapter``: a ``torch.utils.data.DataLoader``, as Keras 3 accepts one.

Each batch it yields (``x``, ``(x, y)`` or ``(x, y, sample_weight)``, torch tensors or
anything else) is passed on with its torch tensors turned into NumPy arrays. The
number of batches is ``len(loader)`` (None for an ``IterableDataset`` without one);
the loader's own ``shuffle``/``sampler`` decide the order.
"""

from .data_adapter import DataAdapter
from .generator_data_adapter import to_numpy_leaves


def is_torch_data_loader(x):
    """Whether ``x`` is a torch DataLoader (torch is looked at only if already imported)."""
    import sys

    torch = sys.modules.get("torch")
    if torch is None:
        return False
    try:
        return isinstance(x, torch.utils.data.DataLoader)
    except AttributeError:
        return False


class TorchDataLoaderAdapter(DataAdapter):
    def __init__(self, loader, class_weight=None):
        self.loader = loader
        self.class_weight = class_weight
        try:
            self.num_batches = len(loader)
        except TypeError:
            self.num_batches = None
        if self.num_batches == 0:
            raise ValueError("Expected a DataLoader with at least one batch. Received: len(loader) == 0")
        self.batch_size = getattr(loader, "batch_size", None)

    def get_numpy_iterator(self):
        batches = (to_numpy_leaves(b) for b in self.loader)
        return self._with_class_weight(batches) if self.class_weight is not None else batches
