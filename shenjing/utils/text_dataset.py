"""``keras.utils.text_dataset_from_directory``: a ``shenjing.data.Dataset`` of
``(texts, labels)`` batches read from ``.txt`` files, with Keras 3's contract.

``labels="inferred"``: one class per subdirectory (sorted, or ``class_names``' order); files
are found recursively (``follow_links`` to enter linked directories), sorted. Files are
shuffled once with ``RandomState(seed)`` before ``validation_split`` takes the last
``int(validation_split * n)`` for ``subset="validation"`` (the rest for ``"training"``;
``"both"`` returns both). Labels: ``label_mode="int"`` int32 ``(batch,)``, ``"binary"`` float32
``(batch, 1)``, ``"categorical"`` float32 one-hot ``(batch, num_classes)``, None none.
``max_length`` keeps the first ``max_length`` bytes of each file (as ``tf.strings.substr``).
The datasets carry ``class_names``.
"""

from ._dataset_index import check_labels, path_dataset, prepare_index, subset_datasets


def _read_text(path, max_length):
    with open(str(path), "rb") as handle:
        data = handle.read() if max_length is None else handle.read(max_length)
    return data.decode("utf-8", errors="replace")


def _dataset(paths, labels, label_mode, num_classes, max_length, shuffle, seed, batch_size):
    if not paths:
        raise ValueError("No text files found in directory. Allowed format: .txt")
    ds = path_dataset(paths, labels, label_mode, num_classes, shuffle, batch_size, seed)
    if label_mode is None:
        ds = ds.map(lambda p: _read_text(p, max_length))
    else:
        ds = ds.map(lambda p, y: (_read_text(p, max_length), y))
    if batch_size is not None:
        ds = ds.batch(batch_size)
    return ds


def text_dataset_from_directory(directory, labels="inferred", label_mode="int", class_names=None,
                                batch_size=32, max_length=None, shuffle=True, seed=None,
                                validation_split=None, subset=None, follow_links=False,
                                format="tf", verbose=True):
    """A Dataset of ``(texts, labels)`` from ``directory`` (see the module docstring); a list
    ``[train, validation]`` for ``subset="both"``."""
    check_labels(labels, label_mode, class_names, format, "text")
    paths, found, names, label_mode, seed = prepare_index(
        directory, labels, label_mode, class_names, follow_links, (".txt",), validation_split,
        subset, shuffle, seed, verbose)
    num_classes = len(names) if names else 0

    def make(part, part_paths, part_labels, shuffle):
        return _dataset(part_paths, part_labels, label_mode, num_classes, max_length, shuffle,
                        seed, batch_size)

    return subset_datasets(paths, found, names, validation_split, subset, shuffle, make)

__all__ = ["text_dataset_from_directory"]
