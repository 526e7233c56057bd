"""``DatasetAdapter``: a ``shenjing.data.Dataset`` (or any object with ``cardinality()``
and ``__iter__``, as a ``tf.data.Dataset`` has), each element a batch ``x``, ``(x, y)``
or ``(x, y, sample_weight)``.

``cardinality()`` gives the number of batches: -1 (``INFINITE``) means endless, -2
(``UNKNOWN``) unknown; both make ``num_batches`` None. Every epoch iterates the dataset
afresh with ``iter(dataset)``, so its own shuffling and repeating apply; an endless
dataset needs ``steps_per_epoch``.
"""

from .data_adapter import DataAdapter
from .generator_data_adapter import to_numpy_leaves

INFINITE, UNKNOWN = -1, -2


class DatasetAdapter(DataAdapter):
    def __init__(self, dataset, steps_per_epoch=None, class_weight=None):
        self.dataset = dataset
        self.class_weight = class_weight
        cardinality = int(dataset.cardinality())
        if cardinality == 0:
            raise ValueError("Expected a dataset with at least one batch. Received: a dataset whose "
                             "cardinality() is 0")
        if cardinality == INFINITE and steps_per_epoch is None:
            raise ValueError(
                "When passing an infinitely repeating dataset, please specify a `steps_per_epoch` "
                "value (`steps` for evaluate/predict, `validation_steps` for validation data) so that "
                "epoch level callbacks continue to work. Received: steps_per_epoch=None")
        self.cardinality = cardinality
        self.num_batches = cardinality if cardinality > 0 else None

    def get_numpy_iterator(self):
        batches = (to_numpy_leaves(b) for b in iter(self.dataset))
        return self._with_class_weight(batches) if self.class_weight is not None else batches
