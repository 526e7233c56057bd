"""The ``shenjing`` command: train, evaluate, predict with and summarize the tutorials' models.

    shenjing train [--model cnn|mlp] [--dataset mnist|fashion_mnist|mnist_sample|digits]
                   [--epochs 5] [--batch-size 64] [--seed 0] [--out DIR] [--overwrite] [--download]
    shenjing evaluate MODEL [--dataset ...]
    shenjing predict MODEL IMAGE [IMAGE ...] [--invert | --no-invert]
    shenjing summary MODEL
    shenjing datasets export NAME DIR [--split both|train|test] [--classes 0 1 ...]
                             [--per-class N] [--download]
    shenjing --version

``train`` with no ``--dataset`` trains the CNN on MNIST, and falls back (saying so) to
``mnist_sample`` when MNIST is not available offline; a dataset named with ``--dataset``
is that dataset or an error. ``--out`` is checked before anything is loaded (creatable,
writable, not holding another run unless ``--overwrite``); the model, ``history.csv``
and ``history.png`` are written atomically, and if that fails after training, they go
to a fresh fallback folder whose path is printed (the exit status is then 1).

Every error is one line on stderr, ``shenjing <command>: <message>``, and a non-zero
exit status (1; 130 for Ctrl-C; 2 for a bad command line); ``--debug`` or
``SHENJING_DEBUG=1`` prints the traceback as well.

The code: ``errors`` (CLIError, one line per error), ``data`` (datasets and the tutorials'
models), ``batch_limits`` (the memory one batch needs, checked before predict/evaluate),
``run_folder`` (--out, the written files and the fallback), and here the commands, the parser
and ``main``. The commands look up ``load_dataset``, ``train_model``, ``_load``,
``write_outputs`` and ``history_png`` as attributes of this package at call time, so
replacing one here (tests do) changes what the commands use.
"""

import argparse
import math
import os
import sys
import traceback

import numpy as np

from ..safety.files import open_regular
from .batch_limits import BATCH_SIZE, activation_elements, check_batch_size
from .data import DATASETS, build_model, load_dataset, model_input_shape
from .errors import MAX_MESSAGE, CLIError, one_line
from .run_folder import OUTPUTS, history_csv, history_png, prepare_out, save_to_fallback, write_outputs

__all__ = ["main", "parser", "CLIError", "load_dataset", "build_model", "model_input_shape",
           "activation_elements", "check_batch_size", "prepare_out", "write_outputs",
           "history_csv", "history_png", "train_model", "DATASETS", "OUTPUTS", "BATCH_SIZE",
           "MAX_MESSAGE"]

MNIST_LIKE = 64  # auto-inversion: 1-channel models of at most 64x64 pixels
INPUT_CONTRACT = ("the model expects images of its input shape (resized to it), pixel values "
                  "in [0, 1] (8-bit pixels / 255), light strokes on a dark background as in MNIST")


def train_model(model, x_train, y_train, x_test, y_test, args, batch_size):
    """``model.fit`` (a seam: tests wrap it to change the world while training runs)."""
    return model.fit(x_train, y_train, epochs=args.epochs, batch_size=batch_size,
                     validation_data=(x_test, y_test), verbose=args.verbose)


def cmd_train(args):
    import shenjing

    created = not os.path.exists(args.out)
    paths = prepare_out(args.out, args.overwrite)
    try:
        shenjing.set_random_seed(args.seed)
        (x_train, y_train), (x_test, y_test), name = load_dataset(args.dataset, args.download)
        model = build_model(args.model, x_train.shape[1:], int(max(y_train.max(), y_test.max())) + 1)
        model.compile(optimizer="adam", loss="sparse_categorical_crossentropy", metrics=["accuracy"])
        batch_size = args.batch_size or (64 if args.model == "cnn" else 32)
        print(f"Training the {args.model.upper()} on {name}: {len(x_train)} training and "
              f"{len(x_test)} test images of shape {x_train.shape[1:]}, {args.epochs} epoch(s), "
              f"batch {batch_size}")
        history = train_model(model, x_train, y_train, x_test, y_test, args, batch_size)
    except BaseException:
        if created:  # leave no empty folder behind for a run that produced nothing
            try:
                os.rmdir(args.out)
            except OSError:
                pass
        raise
    # the outputs first: an evaluate that fails (Ctrl-C, MemoryError) must not lose the model
    title = f"{args.model.upper()} on {name}"
    try:
        write_outputs(model, history, title, paths)
    except BaseException as error:  # noqa: BLE001 - any failure to write, Ctrl-C too: keep the model
        fallback = save_to_fallback(model, history, title, error)
        if isinstance(error, Exception):
            raise fallback from error
        if isinstance(error, KeyboardInterrupt):  # still exit 130, saying where the model went
            raise KeyboardInterrupt(str(fallback)) from error
        raise
    print("Wrote " + ", ".join(paths.values()))
    loss, accuracy = model.evaluate(x_test, y_test, batch_size=BATCH_SIZE, verbose=0)
    print(f"Test loss: {loss:.4f} - test accuracy: {accuracy:.4f}")
    return 0


# -- evaluate, predict, summary -----------------------------------------------------------
def _load(path):
    from ..saving import load_model

    return load_model(path)


def _fits(expected, given):
    return len(expected) == len(given) and all(e is None or e == g for e, g in zip(expected, given))


def cmd_evaluate(args):
    model = _load(args.model)
    _, (x_test, y_test), name = load_dataset(args.dataset, args.download)
    expected, given = model_input_shape(model), tuple(x_test.shape[1:])
    if expected is not None and not _fits(expected, given):
        if None in expected or int(np.prod(expected)) != int(np.prod(given)):
            raise CLIError(f"model '{args.model}' expects inputs of shape {expected}, but the {name} "
                           f"test set gives images of shape {given}; evaluate it on the dataset "
                           "it was trained on")
        x_test = x_test.reshape((len(x_test),) + expected)  # e.g. (28, 28, 1) into (784,)
    classes = tuple(getattr(model, "output_shape", None) or ())[-1:]
    if classes and classes[0] is not None and classes[0] > 1 and int(y_test.max()) >= classes[0]:
        raise CLIError(f"model '{args.model}' has {classes[0]} outputs, but the {name} test set has "
                       f"labels up to {int(y_test.max())}")
    check_batch_size(model, min(len(x_test), BATCH_SIZE), tuple(x_test.shape[1:]), args.model)
    results = model.evaluate(x_test, y_test, batch_size=BATCH_SIZE, verbose=0, return_dict=True)
    print(f"{name} test set: " + " - ".join(f"{k}: {v:.4f}" for k, v in results.items()))
    return 0


def _read_image(path, height, width, channels):
    from PIL import Image

    try:
        with open_regular(path, "an image file") as f, Image.open(f) as image:  # a FIFO: no hang
            image = image.convert("L" if channels == 1 else "RGB").resize((width, height))
            return np.asarray(image, dtype=np.float32).reshape(height, width, channels) / 255.0
    except (OSError, ValueError, Image.DecompressionBombError) as error:  # FormatError too
        raise CLIError(f"cannot read image '{path}': {one_line(error)}") from None


def cmd_predict(args):
    from ..safety.limits import check_limit

    model = _load(args.model)
    shape = model_input_shape(model)
    if shape is None or None in shape or not 1 <= len(shape) <= 3:
        raise CLIError(f"cannot tell the input size of model '{args.model}': its input shape is "
                       f"{shape if shape is None else (None,) + shape}; predict needs a model "
                       "built for images of one fixed size (height, width[, channels])")
    check_limit("max_input_elements", len(args.images) * int(np.prod(shape)),
                f"the input batch for {len(args.images)} image(s) of shape {shape}", args.model)
    check_batch_size(model, min(len(args.images), BATCH_SIZE), shape, args.model)
    if len(shape) == 1:  # a flat vector (an MLP without Flatten): a square grayscale image
        side = math.isqrt(shape[0])
        if side * side != shape[0]:
            raise CLIError(f"model '{args.model}' expects vectors of {shape[0]} numbers, which is "
                           "not a square image; predict reads images (height, width[, channels])")
        height, width, channels = side, side, 1
    else:
        height, width = shape[:2]
        channels = shape[2] if len(shape) > 2 else 1
    if channels not in (1, 3):
        raise CLIError(f"model '{args.model}' expects {channels} channels (input shape {shape}); "
                       "predict reads grayscale (1) or RGB (3) images")
    mnist_like = channels == 1 and height <= MNIST_LIKE and width <= MNIST_LIKE
    images = []
    for path in args.images:
        image = _read_image(path, height, width, channels)
        invert = args.invert
        if invert is None and mnist_like and float(image.mean()) > 0.5:
            invert = True
            print(f"shenjing predict: '{path}' is light (mean {float(image.mean()):.2f} > 0.5), so it "
                  f"was inverted: {INPUT_CONTRACT}, here shape {shape} (--no-invert turns this off)",
                  file=sys.stderr)
        images.append(1.0 - image if invert else image)
    batch = np.stack(images).reshape((len(images),) + shape)
    probabilities = model.predict(batch, batch_size=BATCH_SIZE, verbose=0)
    for path, p in zip(args.images, probabilities):
        k = int(np.argmax(p))
        print(f"{path}: class {k} (probability {float(p[k]):.3f})")
    return 0


def cmd_summary(args):
    _load(args.model).summary()
    return 0


def cmd_datasets_export(args):
    from ..datasets import export
    from .data import _offline_hint

    try:
        counts = export.export_images(args.name, args.directory, split=args.split,
                                      classes=args.classes, per_class=args.per_class,
                                      download=args.download)
    except FileNotFoundError as error:
        if args.name in ("mnist", "fashion_mnist") and not args.download and \
                "download=False" in str(error):  # the loader's "not in the cache" error
            raise CLIError(_offline_hint(args.name).replace("--dataset mnist_sample", "mnist_sample")) from None
        raise
    for part, per_class in counts.items():
        where = os.path.join(args.directory, part) if args.split == "both" else args.directory
        print(f"{where}: {sum(per_class.values())} images in {len(per_class)} class folders "
              f"({', '.join(per_class)})")
    return 0


# -- the command line -----------------------------------------------------------------------
def _int_at_least(low, kind):
    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a {kind} integer, received {text!r}") from None
        if value < low:
            raise argparse.ArgumentTypeError(f"expected a {kind} integer (>= {low}), received {value}")
        return value

    parse.__name__ = f"{kind} integer"
    return parse


positive_int = _int_at_least(1, "positive")  # argparse types
non_negative_int = _int_at_least(0, "non-negative")


def _version():
    import shenjing

    version = getattr(shenjing, "__version__", None)
    if version is None:  # pragma: no cover - a partial install: ask the package metadata
        from importlib.metadata import version as package_version

        version = package_version("shenjing")
    return f"shenjing {version}"


def parser():
    from ..datasets.export import NAMES as export_names, SPLITS as export_splits

    p = argparse.ArgumentParser(prog="shenjing", description="Train and use the tutorials' networks.")
    p.add_argument("--version", action="version", version=_version())
    debug = dict(action="store_true", help="print the traceback of an error (or SHENJING_DEBUG=1)")
    p.add_argument("--debug", default=False, **debug)
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train the MLP or the CNN and save model, history and plot")
    t.add_argument("--model", choices=("cnn", "mlp"), default="cnn")
    t.add_argument("--dataset", choices=DATASETS, default=None,
                   help="default: mnist, or mnist_sample when MNIST is not available offline")
    t.add_argument("--epochs", type=positive_int, default=5)
    t.add_argument("--batch-size", type=positive_int, default=None,
                   help="default: 64 for the CNN, 32 for the MLP")
    t.add_argument("--seed", type=non_negative_int, default=0)
    t.add_argument("--out", default="shenjing-run", help="folder for model.keras, history.csv, "
                   "history.png (new or empty; checked before training)")
    t.add_argument("--overwrite", action="store_true", help="write into a non-empty --out, "
                   "replacing an earlier run's files")
    t.add_argument("--download", action="store_true", help="download MNIST/Fashion-MNIST if not cached")
    t.add_argument("--verbose", type=int, choices=(0, 1, 2), default=1)
    t.set_defaults(run=cmd_train)
    e = sub.add_parser("evaluate", help="test loss and metrics of a saved model")
    e.add_argument("model")
    e.add_argument("--dataset", choices=DATASETS, default=None,
                   help="default: mnist, or mnist_sample when MNIST is not available offline")
    e.add_argument("--download", action="store_true")
    e.set_defaults(run=cmd_evaluate)
    r = sub.add_parser("predict", help="classify PNG/JPEG images with a saved model",
                       description=f"Classify images: {INPUT_CONTRACT}. For an MNIST-like model "
                       f"(1 channel, at most {MNIST_LIKE}x{MNIST_LIKE} pixels), an image that is "
                       "light on average (a dark digit on white paper) is inverted first, saying "
                       "so on stderr; other models get the images as they are.")
    r.add_argument("model")
    r.add_argument("images", nargs="+")
    r.add_argument("--invert", dest="invert", action="store_const", const=True, default=None,
                   help="invert every image (dark digit on light paper)")
    r.add_argument("--no-invert", dest="invert", action="store_const", const=False,
                   help="never invert (default: invert light images for MNIST-like models)")
    r.set_defaults(run=cmd_predict)
    s = sub.add_parser("summary", help="print a saved model's layers and parameter counts")
    s.add_argument("model")
    s.set_defaults(run=cmd_summary)
    d = sub.add_parser("datasets", help="work with the datasets: export one as PNG files")
    d_sub = d.add_subparsers(dest="action", required=True)
    x = d_sub.add_parser("export", help="write a dataset as a folder of PNG files per class",
                         description="Write NAME as DIR/train/<class>/<n>.png and "
                         "DIR/test/<class>/<n>.png (or one split directly in DIR), for "
                         "flow_from_directory, image_dataset_from_directory or ImageFolder. "
                         "DIR must be new or empty.")
    x.add_argument("name", choices=export_names)
    x.add_argument("directory")
    x.add_argument("--split", choices=export_splits, default="both")
    x.add_argument("--classes", type=non_negative_int, nargs="+", default=None,
                   help="the labels to write (default: all)")
    x.add_argument("--per-class", type=positive_int, default=None,
                   help="at most N images of each class per split (default: all)")
    x.add_argument("--download", action="store_true", help="download MNIST/Fashion-MNIST if not cached")
    x.set_defaults(run=cmd_datasets_export)
    for command in (t, e, r, s, d, x):
        command.add_argument("--debug", default=argparse.SUPPRESS, **debug)
    return p


def main(argv=None):
    args = parser().parse_args(argv)
    debug = args.debug or os.environ.get("SHENJING_DEBUG", "").strip() not in ("", "0")
    try:
        return args.run(args)
    except KeyboardInterrupt as error:  # its message, if any, says where the results went
        caught, message, code = error, str(error) or "interrupted", 130
    except Exception as error:  # noqa: BLE001 - every error is one line (the traceback on request)
        caught, message, code = error, one_line(error), 1
        if not isinstance(error, (CLIError, ValueError, OSError, ImportError)) and not debug:
            message += " (--debug or SHENJING_DEBUG=1 shows the traceback)"
    if debug:
        traceback.print_exception(type(caught), caught, caught.__traceback__)
    print(f"shenjing {args.command}: {message}", file=sys.stderr)
    return code
