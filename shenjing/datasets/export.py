"""Write a dataset as a folder of PNG files per class, for trying directory pipelines on real
pictures (``flow_from_directory``, ``image_dataset_from_directory``, PyTorch's ``ImageFolder``).

``export_images(name, directory)`` writes ``directory/train/<class>/<n>.png`` and
``directory/test/<class>/<n>.png`` (``split="train"`` or ``"test"`` writes one of them, directly
under ``directory``). Class folders are named so that their sorted order is the label order,
which is how ``flow_from_directory`` and ``image_dataset_from_directory`` number classes:
``"0"`` ... ``"9"`` for the digit datasets, ``"0_t-shirt_top"`` ... ``"9_ankle_boot"`` for
Fashion-MNIST. Pixels are the loader's uint8 values (``digits`` scaled to 0..255 as
``datasets.digits`` does), written as 8-bit grayscale PNG.

``directory`` must be new or empty (a non-empty one is refused, never overwritten). It is
created if new (with the umask's permissions), the files are written into a hidden staging
folder inside it and moved into place at the end; a failure removes what this call wrote (and
the folder, if this call created it). An existing folder is never replaced, so its
permissions, ownership and mount stay as they were.

With ``classes``, class folders keep the dataset's label in their names (``3``, ``7``), but a
directory loader numbers the folders it finds from 0 in sorted order (``3`` -> 0, ``7`` -> 1).
"""

import numbers
import os
import shutil
import tempfile

import numpy as np

NAMES = ("mnist_sample", "digits", "fashion_mnist", "mnist")
STAGING_PREFIX = ".export-"
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
    if per_class is not None and (isinstance(per_class, bool)
                                  or not isinstance(per_class, numbers.Integral) or per_class < 1):
        raise ValueError(f"Expected per_class to be a positive integer or None. "
                         f"Received: per_class={per_class!r}")
    if classes is not None:
        given = classes
        if isinstance(classes, (str, bytes)) or not all(
                isinstance(c, numbers.Integral) and not isinstance(c, bool) for c in classes):
            raise ValueError(f"Expected classes to be a list of integer labels in 0..9. "
                             f"Received: classes={given!r}")
        classes = sorted({int(c) for c in classes})
        if not classes or classes[0] < 0 or classes[-1] > 9:
            raise ValueError(f"Expected classes to be labels in 0..9. Received: classes={given!r}")
    return None if per_class is None else int(per_class), classes


def _check_target(directory):
    """The absolute path; whether it exists (as an empty folder)."""
    directory = os.path.abspath(os.fspath(directory))
    if os.path.islink(directory):
        raise FileExistsError(f"Cannot export into {directory!r}: it is a symbolic link (give "
                              "the folder it points to)")
    if os.path.lexists(directory):
        if not os.path.isdir(directory):
            raise FileExistsError(f"Cannot export into {directory!r}: it exists and is not a folder")
        entries = os.listdir(directory)
        if entries:
            stale = [e for e in entries if e.startswith(STAGING_PREFIX)]
            hint = (f" (it holds {stale[0]!r}, left by an interrupted export: delete it)"
                    if stale else "")
            raise FileExistsError(f"Cannot export into {directory!r}: the folder is not empty{hint} "
                                  "(choose a new or empty folder; nothing was written)")
        return directory, True
    parent = os.path.dirname(directory)
    if not os.path.isdir(parent):
        raise FileNotFoundError(f"Cannot export into {directory!r}: its parent folder {parent!r} "
                                "does not exist")
    return directory, False


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
    per_class, classes = _check_arguments(split, classes, per_class)
    directory, existed = _check_target(directory)
    (x_train, y_train), (x_test, y_test) = _load(name, download)
    parts = {"train": (x_train, y_train), "test": (x_test, y_test)}
    chosen = ("train", "test") if split == "both" else (split,)
    if not existed:
        os.mkdir(directory)  # the umask's permissions, as any new folder
    moved, staging = [], None
    try:
        staging = tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=directory)
        counts = {}
        for part in chosen:
            root = os.path.join(staging, part) if split == "both" else staging
            os.makedirs(root, exist_ok=True)
            images, labels = parts[part]
            counts[part] = _write_split(root, name, images, np.asarray(labels), classes, per_class)
        for entry in sorted(os.listdir(staging)):
            os.rename(os.path.join(staging, entry), os.path.join(directory, entry))
            moved.append(os.path.join(directory, entry))
        os.rmdir(staging)
    except BaseException:
        if not existed:
            shutil.rmtree(directory, ignore_errors=True)
        else:
            for path in moved + ([staging] if staging else []):
                shutil.rmtree(path, ignore_errors=True)
        raise
    return counts
