"""Write a dataset as a folder of PNG files per class, for trying directory pipelines on real
pictures (``flow_from_directory``, ``image_dataset_from_directory``, PyTorch's ``ImageFolder``).

``export_images(name, directory)`` writes ``directory/train/<class>/<n>.png`` and
``directory/test/<class>/<n>.png`` (``split="train"`` or ``"test"`` writes one of them, directly
under ``directory``). Class folders are named so that their sorted order is the label order,
which is how ``flow_from_directory`` and ``image_dataset_from_directory`` number classes:
``"0"`` ... ``"9"`` for the digit datasets, ``"0_t-shirt_top"`` ... ``"9_ankle_boot"`` for
Fashion-MNIST. Pixels are the loader's uint8 values (``digits`` scaled to 0..255 as
``datasets.digits`` does), written as 8-bit grayscale PNG.

The files are written into a fresh folder beside ``directory`` and renamed into place at the
end, so a failure leaves nothing half-written; an existing non-empty ``directory`` is refused,
never overwritten.
"""

import os
import shutil
import tempfile

import numpy as np

NAMES = ("mnist_sample", "digits", "fashion_mnist", "mnist")
SPLITS = ("both", "train", "test")
FASHION_CLASSES = ("t-shirt_top", "trouser", "pullover", "dress", "coat", "sandal", "shirt",
                   "sneaker", "bag", "ankle_boot")


def class_folder(name, label):
    """The folder name of class ``label`` in dataset ``name`` (sorted order = label order)."""
    return f"{label}_{FASHION_CLASSES[label]}" if name == "fashion_mnist" else str(label)


def _load(name, download):
    from . import digits, fashion_mnist, mnist, mnist_sample

    if name not in NAMES:
        raise ValueError(f"Unknown dataset {name!r}: expected one of {', '.join(NAMES)}")
    module = {"mnist_sample": mnist_sample, "digits": digits, "fashion_mnist": fashion_mnist,
              "mnist": mnist}[name]
    if name in ("mnist", "fashion_mnist"):
        return module.load_data(download=download)
    return module.load_data()


def _check_arguments(split, classes, per_class):
    if split not in SPLITS:
        raise ValueError(f"Expected split to be one of {', '.join(SPLITS)}. Received: split={split!r}")
    if per_class is not None and (isinstance(per_class, bool) or not isinstance(per_class, int)
                                  or per_class < 1):
        raise ValueError(f"Expected per_class to be a positive integer or None. "
                         f"Received: per_class={per_class!r}")
    if classes is not None:
        classes = sorted({int(c) for c in classes})
        if not classes or classes[0] < 0 or classes[-1] > 9:
            raise ValueError(f"Expected classes to be labels in 0..9. Received: classes={classes!r}")
    return classes


def _check_target(directory):
    directory = os.path.abspath(os.fspath(directory))
    if os.path.lexists(directory):
        if not os.path.isdir(directory) or os.path.islink(directory):
            raise FileExistsError(f"Cannot export into {directory!r}: it exists and is not a folder")
        if os.listdir(directory):
            raise FileExistsError(f"Cannot export into {directory!r}: the folder is not empty "
                                  "(choose a new or empty folder; nothing was written)")
    parent = os.path.dirname(directory)
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"Cannot export into {directory!r}: its parent folder {parent!r} "
                                "does not exist")
    return directory


def _write_split(root, name, images, labels, classes, per_class):
    from PIL import Image

    counts = {}
    for label in (classes if classes is not None else sorted(set(labels.tolist()))):
        index = np.flatnonzero(labels == label)[:per_class]
        folder = os.path.join(root, class_folder(name, int(label)))
        os.makedirs(folder)
        width = len(str(max(len(index) - 1, 0)))
        for n, i in enumerate(index):
            Image.fromarray(np.ascontiguousarray(images[i], dtype=np.uint8), mode="L").save(
                os.path.join(folder, f"{n:0{width}d}.png"))
        counts[class_folder(name, int(label))] = len(index)
    return counts


def export_images(name, directory, split="both", classes=None, per_class=None, download=False):
    """Write dataset ``name`` (one of ``NAMES``) under ``directory`` as PNG files per class.

    ``split``: ``"both"`` (``train/`` and ``test/`` subfolders), ``"train"`` or ``"test"``
    (that split directly in ``directory``). ``classes``: the labels to write (default all);
    ``per_class``: at most that many images of each class per split, the first ones in the
    dataset's order (default all). ``download`` lets ``mnist``/``fashion_mnist`` be fetched
    when not cached. Returns ``{split: {class_folder: count}}``.
    """
    classes = _check_arguments(split, classes, per_class)
    directory = _check_target(directory)
    (x_train, y_train), (x_test, y_test) = _load(name, download)
    parts = {"train": (x_train, y_train), "test": (x_test, y_test)}
    chosen = ("train", "test") if split == "both" else (split,)
    staging = tempfile.mkdtemp(prefix=".export-", dir=os.path.dirname(directory))
    try:
        counts = {}
        for part in chosen:
            root = os.path.join(staging, part) if split == "both" else staging
            os.makedirs(root, exist_ok=True)
            images, labels = parts[part]
            counts[part] = _write_split(root, name, images, np.asarray(labels), classes, per_class)
        if os.path.isdir(directory):
            os.rmdir(directory)  # empty (checked above); a file appearing since makes this fail
        os.chmod(staging, 0o755)  # mkdtemp's folder is private (0o700)
        os.rename(staging, directory)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return counts

