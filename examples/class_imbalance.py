"""Class imbalance on Fashion-MNIST: six remedies for two rare classes, measured side by side.

The training set keeps all images of eight classes and ``--fraction`` (5%, seeded) of
classes 2 "Pullover" and 4 "Coat": 300 images each against 6,000. Those two were picked
because each has look-alikes among the common classes (Shirt 6, T-shirt/top 0, and each
other): made rare, they are swallowed by Shirt, so the loss of recall is visible. A rare
class with no look-alike (Trouser, Bag) stays easy even at 300 images. The test set is
Fashion-MNIST's own 10,000 images (1,000 a class), the same for every method.

Methods, each trained from the same seed (``keras.utils.set_random_seed``), the same model,
batch size and number of epochs:

- ``baseline``: the imbalanced arrays as they are;
- ``class_weight``: ``fit(class_weight=...)`` with sklearn's ``compute_class_weight("balanced")``,
  n_samples / (n_classes * count(c));
- ``sample_weight``: ``fit(sample_weight=...)`` with sklearn's ``compute_sample_weight("balanced")``
  (the same weights, one a sample);
- ``oversampling``: imbalanced-learn's ``RandomOverSampler`` on the flattened images (reshaped
  back): the rare classes' images repeated up to 6,000 each;
- ``focal``: ``keras.losses.CategoricalFocalCrossentropy`` on one-hot labels, gamma 2, alpha
  one weight a class from ``compute_class_weight("balanced")``, as Keras's docstring suggests;
- ``augmentation``: the rare classes topped up to balance with augmented copies of their own
  images, mildly: ``RandomFlip("horizontal")``, ``RandomTranslation`` by up to 1 pixel and
  ``RandomZoom`` by up to 5%, nearest-pixel, black fill like the background. A mirrored coat or
  pullover is still a coat or pullover (garments are photographed front-on and nearly
  symmetric), so the horizontal flip keeps the label; a vertical flip would make upside-down
  garments that the test set never shows, so it is not used;
- ``strong_augmentation``: the same with Keras-tutorial strengths (shifts and zooms of 10%, turns
  of up to 11 degrees, bilinear). Only the rare classes are augmented, and 95% of their images
  are copies, so "looks augmented" (off-centre, blurred by three resamplings) becomes a cue for
  the rare label that the centred, sharp test images lack: their recall drops far below plain
  oversampling (with the MLP and the CNN alike). Augment the rare classes only as much as keeps
  the copies indistinguishable from real images, or augment every class.

Ties: the oversampling and both augmentation methods train on 60,000 images, so they take
more steps per epoch (about 23% more) than the others on 48,600; each of their epochs shows
each common-class image once, as the others' do.

Model: ``--model mlp`` (default; Flatten, Dense(128, relu), Dropout(0.2), Dense(10)) or ``cnn``
(two Conv2D/MaxPooling2D blocks, Dropout(0.25), Dense(10)); logits, Adam(1e-3), batch 64,
8 epochs. The default run takes about 2 minutes on two idle cores.

Metrics (scikit-learn, on the test set): per-class recall, the two rare classes' recall and
the mean recall of the other eight, macro F1, balanced accuracy (the mean of the per-class
recalls; equal to accuracy here, as the test set has 1,000 images a class) and accuracy;
"train s" is the time in ``fit`` alone (it varies with the machine's load, not the method).
The rare classes' recalls swing widely between seeds (which 300 images are kept, the
initial weights, the order; focal's Coat recall is 0.70, 0.35, 0.83 for seeds 0, 1, 2):
compare methods over a few ``--seed`` values, not one.

Run: python examples/class_imbalance.py [--model mlp|cnn] [--epochs 8] [--fraction 0.05]
     [--rare 2 4] [--seed 0] [--methods baseline class_weight ...]
"""

import argparse
import time

import numpy as np
from imblearn.over_sampling import RandomOverSampler
from sklearn.metrics import accuracy_score, balanced_accuracy_score, f1_score, recall_score
from sklearn.utils.class_weight import compute_class_weight, compute_sample_weight

import shenjing.keras as keras

CLASS_NAMES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt",
               "Sneaker", "Bag", "Ankle boot")
RARE = (2, 4)
METHODS = ("baseline", "class_weight", "sample_weight", "oversampling", "focal", "augmentation",
           "strong_augmentation")


def make_imbalanced(x, y, rare=RARE, fraction=0.05, seed=0):
    """All of ``x, y`` but a ``fraction`` of each rare class (at least 1 image), chosen with
    ``seed``; the kept images stay in their original order."""
    rng = np.random.default_rng(seed)
    keep = np.ones(len(y), dtype=bool)
    for label in rare:
        where = np.flatnonzero(y == label)
        count = max(1, int(round(fraction * len(where))))
        keep[np.setdiff1d(where, rng.choice(where, count, replace=False))] = False
    return x[keep], y[keep]


def build_model(kind, input_shape, num_classes):
    """A small MLP (Dense 128) or CNN (two conv blocks), logits out."""
    layers = keras.layers
    if kind == "cnn":
        body = [layers.Conv2D(16, 3, activation="relu"), layers.MaxPooling2D(2),
                layers.Conv2D(32, 3, activation="relu"), layers.MaxPooling2D(2),
                layers.Flatten(), layers.Dropout(0.25)]
    elif kind == "mlp":
        body = [layers.Flatten(), layers.Dense(128, activation="relu"), layers.Dropout(0.2)]
    else:
        raise ValueError(f"build_model: expected model='mlp' or 'cnn', received model={kind!r}")
    return keras.Sequential([keras.Input(input_shape), *body, layers.Dense(num_classes)])


def balanced_class_weight(y, num_classes):
    """``{class: n / (num_classes_present * count)}`` from sklearn's compute_class_weight."""
    classes = np.arange(num_classes)
    present = np.unique(y)
    weights = compute_class_weight("balanced", classes=present, y=y)
    table = dict(zip(present.tolist(), weights.tolist()))
    return {int(c): table.get(int(c), 1.0) for c in classes}


def augmenter(strength, seed):
    """``"mild"``: mirror, shift by up to 1 pixel, zoom by up to 5%, nearest-pixel (no blur).
    ``"strong"``: mirror, shift by up to 10%, zoom by up to 10%, turn by up to 11 degrees,
    bilinear (Keras's defaults), three resamplings in a row. Both fill with black (the background)."""
    layers = keras.layers
    if strength == "mild":
        return keras.Sequential([
            layers.RandomFlip("horizontal", seed=seed),
            layers.RandomTranslation(1 / 28, 1 / 28, fill_mode="constant", interpolation="nearest",
                                     seed=seed + 1),
            layers.RandomZoom(0.05, fill_mode="constant", interpolation="nearest", seed=seed + 2),
        ], name="mild_augment")
    if strength == "strong":
        return keras.Sequential([
            layers.RandomFlip("horizontal", seed=seed),
            layers.RandomTranslation(0.1, 0.1, fill_mode="constant", seed=seed + 1),
            layers.RandomZoom(0.1, fill_mode="constant", seed=seed + 2),
            layers.RandomRotation(0.03, fill_mode="constant", seed=seed + 3),
        ], name="strong_augment")
    raise ValueError(f"augmenter: expected strength 'mild' or 'strong', received {strength!r}")


def augment_rare(x, y, rare=RARE, strength="mild", seed=0, batch_size=512):
    """``x, y`` plus, for each rare class, augmented copies of its images (drawn with replacement)
    up to the largest class's count; the copies go last."""
    rng = np.random.default_rng(seed)
    target = np.bincount(y).max()
    augment = augmenter(strength, seed)
    extra_x, extra_y = [x], [y]
    for label in rare:
        where = np.flatnonzero(y == label)
        picks = rng.choice(where, target - len(where), replace=True)
        for start in range(0, len(picks), batch_size):
            batch = x[picks[start:start + batch_size]]
            extra_x.append(keras.ops.convert_to_numpy(augment(batch, training=True)))
        extra_y.append(np.full(len(picks), label, dtype=y.dtype))
    return np.concatenate(extra_x).astype(x.dtype), np.concatenate(extra_y)


def training_setup(method, x, y, num_classes, rare=RARE, seed=0):
    """What ``method`` gives ``fit`` and ``compile``: a dict with ``x``, ``y``, ``loss`` and, for
    the weighting methods, ``class_weight`` or ``sample_weight``."""
    sparse = keras.losses.SparseCategoricalCrossentropy(from_logits=True)
    if method == "baseline":
        return dict(x=x, y=y, loss=sparse)
    if method == "class_weight":
        return dict(x=x, y=y, loss=sparse, class_weight=balanced_class_weight(y, num_classes))
    if method == "sample_weight":
        return dict(x=x, y=y, loss=sparse,
                    sample_weight=compute_sample_weight("balanced", y).astype("float32"))
    if method == "oversampling":
        flat, y_over = RandomOverSampler(random_state=seed).fit_resample(x.reshape(len(x), -1), y)
        return dict(x=flat.reshape((-1,) + x.shape[1:]), y=y_over, loss=sparse)
    if method == "focal":
        alpha = list(balanced_class_weight(y, num_classes).values())
        focal = keras.losses.CategoricalFocalCrossentropy(alpha=alpha, gamma=2.0, from_logits=True)
        return dict(x=x, y=keras.utils.to_categorical(y, num_classes), loss=focal)
    if method in ("augmentation", "strong_augmentation"):
        strength = "mild" if method == "augmentation" else "strong"
        x_aug, y_aug = augment_rare(x, y, rare, strength, seed)
        return dict(x=x_aug, y=y_aug, loss=sparse)
    raise ValueError(f"training_setup: expected a method in {METHODS}, received {method!r}")


def scores(y_true, y_pred, num_classes, rare=RARE):
    """Per-class recall, rare and other recall, macro F1, balanced accuracy and accuracy."""
    labels = np.arange(num_classes)
    recall = recall_score(y_true, y_pred, labels=labels, average=None, zero_division=0)
    others = [c for c in labels if c not in rare]
    return dict(
        recall=recall,
        rare_recall={int(c): float(recall[c]) for c in rare},
        others_recall=float(np.mean(recall[others])),
        macro_f1=float(f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)),
        balanced_accuracy=float(balanced_accuracy_score(y_true, y_pred)),
        accuracy=float(accuracy_score(y_true, y_pred)),
    )


def run_method(method, x, y, x_test, y_test, num_classes, model="mlp", epochs=8, batch_size=64,
               rare=RARE, seed=0, verbose=0):
    """Train one method from ``seed`` and score it on the test set; one row of the table."""
    setup = training_setup(method, x, y, num_classes, rare, seed)
    keras.utils.set_random_seed(seed)
    net = build_model(model, x.shape[1:], num_classes)
    net.compile(optimizer=keras.optimizers.Adam(1e-3), loss=setup.pop("loss"), metrics=["accuracy"])
    start = time.perf_counter()
    history = net.fit(setup["x"], setup["y"], class_weight=setup.get("class_weight"),
                      sample_weight=setup.get("sample_weight"), epochs=epochs,
                      batch_size=batch_size, verbose=verbose)
    seconds = time.perf_counter() - start
    predicted = net.predict(x_test, batch_size=1000, verbose=0).argmax(axis=-1)
    train_labels = setup["y"].argmax(axis=-1) if setup["y"].ndim == 2 else setup["y"]
    return dict(method=method, **scores(y_test, predicted, num_classes, rare),
                train_seconds=seconds, train_size=len(setup["x"]),
                train_counts=np.bincount(train_labels, minlength=num_classes),
                class_weight=setup.get("class_weight"), loss=history.history["loss"])


def format_table(rows, rare=RARE, names=CLASS_NAMES):
    """Methods as rows: rare recalls, others' mean recall, macro F1, balanced acc., acc., time."""
    rare_heads = [f"recall {c} {names[c] if c < len(names) else ''}".rstrip() for c in rare]
    heads = ["method", *rare_heads, "others", "macro F1", "bal. acc", "acc", "train n", "train s"]
    cells = [[r["method"], *(f"{r['rare_recall'][c]:.3f}" for c in rare),
              f"{r['others_recall']:.3f}", f"{r['macro_f1']:.3f}", f"{r['balanced_accuracy']:.3f}",
              f"{r['accuracy']:.3f}", str(r["train_size"]), f"{r['train_seconds']:.1f}"]
             for r in rows]
    widths = [max(len(h), *(len(c[i]) for c in cells)) for i, h in enumerate(heads)]

    def line(row):
        return "  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths)))

    return "\n".join([line(heads), line(["-" * w for w in widths]), *map(line, cells)])


def load_fashion_mnist():
    from shenjing.datasets import fashion_mnist

    return fashion_mnist.load_data()


def prepare(images):
    """Scale 0..255 images to [0, 1] float32 with a channel axis (n, h, w, 1)."""
    images = np.asarray(images)
    scaled = images.astype("float32") / 255.0 if images.dtype == np.uint8 else images.astype("float32")
    return scaled[..., None] if scaled.ndim == 3 else scaled


def main(model="mlp", epochs=8, fraction=0.05, rare=RARE, batch_size=64, seed=0, methods=METHODS,
         data=None, verbose=0):
    """Train every method on the imbalanced training set and print the table; returns its rows.

    ``data``: ``((x_train, y_train), (x_test, y_test))`` arrays to use instead of Fashion-MNIST
    (images (n, h, w) or (n, h, w, 1), uint8 0..255 or float in [0, 1]; integer labels).
    """
    (x_train, y_train), (x_test, y_test) = data if data is not None else load_fashion_mnist()
    x_train, x_test = prepare(x_train), prepare(x_test)
    y_train, y_test = np.asarray(y_train).astype("int64"), np.asarray(y_test).astype("int64")
    num_classes = int(max(y_train.max(), y_test.max())) + 1
    x, y = make_imbalanced(x_train, y_train, rare, fraction, seed)
    print(f"training images per class: {np.bincount(y, minlength=num_classes).tolist()} "
          f"(classes {list(rare)} kept at {fraction:.0%}); test images: {len(y_test)}; "
          f"model {model}, {epochs} epochs, batch {batch_size}, seed {seed}", flush=True)
    rows = []
    for method in methods:
        rows.append(run_method(method, x, y, x_test, y_test, num_classes, model, epochs, batch_size,
                               rare, seed, verbose))
        print(f"  {method}: done in {rows[-1]['train_seconds']:.1f} s", flush=True)
    print(format_table(rows, rare))
    return rows


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--model", choices=["mlp", "cnn"], default="mlp")
    parser.add_argument("--epochs", type=int, default=8)
    parser.add_argument("--fraction", type=float, default=0.05,
                        help="share of the rare classes' training images kept (default 0.05)")
    parser.add_argument("--rare", type=int, nargs="+", default=list(RARE),
                        help="the classes made rare (default 2 4: Pullover, Coat)")
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--methods", nargs="+", choices=METHODS, default=list(METHODS))
    args = parser.parse_args()
    main(args.model, args.epochs, args.fraction, tuple(args.rare), args.batch_size, args.seed,
         tuple(args.methods))
