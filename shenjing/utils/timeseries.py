"""``keras.utils.timeseries_dataset_from_array``: sliding windows over a series as a
``shenjing.data.Dataset``.

Window ``i`` starts at ``start_index + p_i`` with ``p_i = i * sequence_stride`` and holds the
rows ``data[start + p_i + k * sampling_rate]`` for ``k < sequence_length``; its target is
``targets[start + p_i]``. There are ``end - start - (sequence_length - 1) * sampling_rate``
window starts (fewer when ``targets`` is shorter), taken every ``sequence_stride``.
"""

import numpy as np

from ..data import Dataset


def _check(data, sequence_stride, sampling_rate, start_index, end_index):
    n = len(data)
    if start_index:
        if start_index < 0:
            raise ValueError(f"`start_index` must be 0 or greater. Received: start_index={start_index}")
        if start_index >= n:
            raise ValueError("`start_index` must be lower than the length of the data. Received: "
                             f"start_index={start_index}, for data of length {n}")
    if end_index:
        if start_index and end_index <= start_index:
            raise ValueError("`end_index` must be higher than `start_index`. Received: "
                             f"start_index={start_index}, and end_index={end_index} ")
        if end_index >= n:
            raise ValueError("`end_index` must be lower than the length of the data. Received: "
                             f"end_index={end_index}, for data of length {n}")
        if end_index <= 0:
            raise ValueError(f"`end_index` must be higher than 0. Received: end_index={end_index}")
    if sampling_rate <= 0:
        raise ValueError(f"`sampling_rate` must be higher than 0. Received: sampling_rate={sampling_rate}")
    if sampling_rate >= n:
        raise ValueError("`sampling_rate` must be lower than the length of the data. Received: "
                         f"sampling_rate={sampling_rate}, for data of length {n}")
    if sequence_stride <= 0:
        raise ValueError(f"`sequence_stride` must be higher than 0. Received: sequence_stride={sequence_stride}")
    if sequence_stride >= n:
        raise ValueError("`sequence_stride` must be lower than the length of the data. Received: "
                         f"sequence_stride={sequence_stride}, for data of length {n}")


def timeseries_dataset_from_array(data, targets, sequence_length, sequence_stride=1, sampling_rate=1,
                                  batch_size=128, shuffle=False, seed=None, start_index=None,
                                  end_index=None):
    """Batches of windows ``(batch, sequence_length, ...)`` (with their targets when ``targets``
    is not None) over ``data``, as Keras builds them; ``shuffle`` reorders the windows."""
    data = np.asarray(data)
    if data.ndim == 0:
        raise ValueError(f"timeseries_dataset_from_array: expected `data` with a time axis "
                         f"(at least 1-D). Received: data of shape {data.shape}")
    if isinstance(sequence_length, bool) or not isinstance(sequence_length, (int, np.integer)) \
            or sequence_length <= 0:
        raise ValueError(f"`sequence_length` must be a positive integer. "
                         f"Received: sequence_length={sequence_length!r}")
    _check(data, sequence_stride, sampling_rate, start_index, end_index)
    start = start_index or 0
    end = len(data) if end_index is None else end_index
    num_seqs = end - start - (sequence_length - 1) * sampling_rate
    if targets is not None:
        targets = np.asarray(targets)
        num_seqs = min(num_seqs, len(targets) - start)
    positions = np.arange(0, max(num_seqs, 0), sequence_stride, dtype="int64")
    if shuffle:
        if seed is None:
            seed = np.random.randint(1e6)
        np.random.RandomState(seed).shuffle(positions)
    window = np.arange(sequence_length, dtype="int64") * sampling_rate
    windows = data[start + positions[:, None] + window[None, :]]
    if targets is not None:
        dataset = Dataset.from_tensor_slices((windows, targets[start + positions]))
    else:
        dataset = Dataset.from_tensor_slices(windows)
    if batch_size is not None:
        if shuffle:
            dataset = dataset.shuffle(buffer_size=batch_size * 8, seed=seed)
        return dataset.batch(batch_size)
    if shuffle:
        dataset = dataset.shuffle(buffer_size=1024, seed=seed)
    return dataset


__all__ = ["timeseries_dataset_from_array"]
