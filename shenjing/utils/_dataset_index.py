"""What ``text_dataset_from_directory`` and ``image_dataset_from_directory`` share, as Keras's
``dataset_utils``: argument checks, the directory index (files with one of ``formats``, sorted,
recursively; labels inferred from the subdirectories or given) and the validation split (the
last ``int(validation_split * n)`` files are the validation subset)."""

import os

import numpy as np

from ..data import Dataset


def check_labels(labels, label_mode, class_names, format, what):
    """Keras's checks of ``labels``, ``label_mode``, ``class_names`` and ``format`` for a
    loader of ``what`` files ("text", "image")."""
    if labels not in ("inferred", None):
        if not isinstance(labels, (list, tuple)):
            raise ValueError("`labels` argument should be a list/tuple of integer labels, of the "
                             f"same size as the number of {what} files in the target directory. "
                             'Pass `labels="inferred"` to infer them from the subdirectory names, '
                             f"or `labels=None` for {what}s only. Received: labels={labels}")
        if class_names:
            raise ValueError(f'You can only pass `class_names` if `labels="inferred"`. '
                             f"Received: labels={labels}, and class_names={class_names}")
    if label_mode not in {"int", "categorical", "binary", None}:
        raise ValueError('`label_mode` argument must be one of "int", "categorical", "binary", '
                         f"or None. Received: label_mode={label_mode}")
    if format != "tf":
        raise ValueError(f'`format` "grain" is not supported by shenjing; use "tf" (a '
                         f"shenjing.data.Dataset). Received: format={format}")


def prepare_index(directory, labels, label_mode, class_names, follow_links, formats,
                  validation_split, subset, shuffle, seed, verbose):
    """The steps both loaders take before making datasets: the split check, the seed, the
    index, Keras's "Found ..." line, the seeded shuffle and the binary check. Returns
    ``(paths, labels, class_names, label_mode, seed)``; no labels means label_mode None."""
    if labels is None or label_mode is None:
        labels = label_mode = None
    check_split(validation_split, subset, shuffle, seed)
    if seed is None:
        seed = np.random.randint(1e6)
    paths, found, names = index_directory(directory, labels, class_names, follow_links, formats)
    if verbose:
        print(f"Found {len(paths)} files." if found is None else
              f"Found {len(paths)} files belonging to {len(names)} classes.")
    if shuffle:
        shuffle_index(paths, found, seed)
    if label_mode == "binary" and len(names) != 2:
        raise ValueError('When passing `label_mode="binary"`, there must be exactly 2 '
                         f"class_names. Received: class_names={names}")
    return paths, found, names, label_mode, seed


def check_split(validation_split, subset, shuffle, seed):
    if validation_split and not 0 < validation_split < 1:
        raise ValueError("`validation_split` must be between 0 and 1, "
                         f"received: {validation_split}")
    if (validation_split or subset) and not (validation_split and subset):
        raise ValueError("If `subset` is set, `validation_split` must be set, and inversely.")
    if subset not in ("training", "validation", "both", None):
        raise ValueError(f'`subset` must be either "training", "validation" or "both", '
                         f"received: {subset}")
    if validation_split and shuffle and seed is None:
        raise ValueError("If using `validation_split` and shuffling the data, you must provide a "
                         "`seed` argument, to make sure that there is no overlap between the "
                         "training and validation subset.")


def walk_files(directory, follow_links, formats):
    """``(root, filename)`` of the files under ``directory`` whose lower-cased name ends with
    one of ``formats``, folders and files in sorted order."""
    for root, _, files in sorted(os.walk(directory, followlinks=follow_links), key=lambda w: w[0]):
        for fname in sorted(files):
            if fname.lower().endswith(formats):
                yield root, fname


def _files_under(directory, follow_links, formats):
    return [os.path.join(root, f) for root, f in walk_files(directory, follow_links, formats)]


def index_directory(directory, labels, class_names, follow_links, formats):
    """(file paths, int labels or None, class names) as Keras's ``index_directory`` finds them."""
    if labels == "inferred":
        subdirs = [d for d in sorted(os.listdir(directory))
                   if os.path.isdir(os.path.join(directory, d)) and not d.startswith(".")]
        if class_names is not None:
            if not set(class_names).issubset(subdirs):
                raise ValueError("The `class_names` passed did not match the names of the "
                                 f"subdirectories of the target directory. Expected: {subdirs} "
                                 f"(or a subset of it), but received: class_names={class_names}")
            subdirs = list(class_names)
        paths, found = [], []
        for index, subdir in enumerate(subdirs):
            files = _files_under(os.path.join(directory, subdir), follow_links, formats)
            paths += files
            found += [index] * len(files)
        return paths, np.asarray(found, dtype="int32"), subdirs
    if class_names is not None:
        raise ValueError("When `labels=None` (no labels), argument `class_names` cannot be "
                         "specified." if labels is None else "When argument `labels` is "
                         "specified, argument `class_names` cannot be specified (the "
                         "`class_names` will be the sorted list of labels).")
    paths = _files_under(directory, follow_links, formats)
    if labels is None:
        return paths, None, None
    if len(labels) != len(paths):
        raise ValueError(f"Expected the lengths of `labels` to match the number of files in the "
                         f"target directory. len(labels) is {len(labels)} while we found "
                         f"{len(paths)} files in directory {directory}.")
    return paths, np.asarray(labels), [str(label) for label in sorted(set(labels))]


def split(paths, labels, validation_split, subset):
    if not validation_split:
        return paths, labels
    n_val = int(validation_split * len(paths))
    if subset == "training":
        print(f"Using {len(paths) - n_val} files for training.")
        return paths[:len(paths) - n_val], None if labels is None else labels[:len(paths) - n_val]
    print(f"Using {n_val} files for validation.")
    return paths[len(paths) - n_val:], None if labels is None else labels[len(paths) - n_val:]


def shuffle_index(paths, labels, seed):
    """Shuffle ``paths`` and ``labels`` in place with ``RandomState(seed)``, as Keras does."""
    np.random.RandomState(seed).shuffle(paths)
    if labels is not None:
        np.random.RandomState(seed).shuffle(labels)


def label_array(labels, label_mode, num_classes):
    """int32 ``(n,)`` for "int", float32 ``(n, 1)`` for "binary", one-hot for "categorical"."""
    if label_mode == "binary":
        return labels.astype("float32")[:, None]
    if label_mode == "categorical":
        return np.eye(num_classes, dtype="float32")[labels]
    return labels.astype("int32")


def path_dataset(paths, labels, label_mode, num_classes, shuffle, batch_size, seed):
    """A Dataset of ``path`` (``label_mode`` None) or ``(path, label)`` elements, shuffled with
    a buffer of ``8 * batch_size`` (1024 unbatched) when asked, as Keras's loaders do."""
    ds = Dataset.from_tensor_slices(np.asarray(paths))
    if label_mode is not None:
        targets = Dataset.from_tensor_slices(label_array(labels, label_mode, num_classes))
        ds = Dataset.zip((ds, targets))
    if shuffle:
        ds = ds.shuffle(buffer_size=batch_size * 8 if batch_size is not None else 1024, seed=seed)
    return ds


def subset_datasets(paths, labels, names, validation_split, subset, shuffle, make):
    """``make(part, part_paths, part_labels, shuffle)`` for the subset asked (the validation
    part of ``subset="both"`` unshuffled), each carrying ``class_names``; a list
    ``[training, validation]`` for "both"."""
    parts = ["training", "validation"] if subset == "both" else [subset]
    out = []
    for part in parts:
        part_paths, part_labels = split(paths, labels, validation_split, part)
        ds = make(part, part_paths, part_labels,
                  shuffle and part != "validation" if subset == "both" else shuffle)
        ds.class_names = names
        out.append(ds)
    return out if subset == "both" else out[0]
