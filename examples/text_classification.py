"""Text classification with the vectorizer inside the model: which dataset description does a
line of text come from?

Data: the lines (of three words or more) of the dataset descriptions that scikit-learn ships
(``sklearn/datasets/descr/*.rst``), labelled by their file, for the files with at least 35 such
lines (six classes, about 400 lines; nothing is downloaded). A quarter is held out.

    raw strings -> TextVectorization(max_tokens, output_sequence_length) -> Embedding
                -> GlobalAveragePooling1D -> Dense(softmax)

The model takes raw strings (``keras.Input(shape=(1,), dtype="string")``), so ``predict`` and a
saved ``.keras`` file (whose vocabulary travels in ``assets/``) work on text directly.

Run: python examples/text_classification.py [--epochs 30]
"""

import argparse
import glob
import os
import re

import numpy as np

import shenjing as tf
from shenjing import keras
from shenjing.keras import layers


def load_lines(min_lines=35):
    """(lines, labels, class names): every line of >= 3 words of each description file that
    has at least ``min_lines`` of them."""
    import sklearn

    folder = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "descr")
    lines, labels, names = [], [], []
    for path in sorted(glob.glob(os.path.join(folder, "*.rst"))):
        with open(path, encoding="utf-8") as f:
            kept = [line.strip() for line in f
                    if len(re.findall(r"[A-Za-z]{2,}", line)) >= 3]
        if len(kept) >= min_lines:
            labels += [len(names)] * len(kept)
            names.append(os.path.basename(path)[:-len(".rst")])
            lines += kept
    return np.array(lines), np.array(labels), names


def build_model(train_lines, num_classes, max_tokens=2000, sequence_length=24, embedding_dim=32):
    vectorizer = layers.TextVectorization(max_tokens=max_tokens,
                                          output_sequence_length=sequence_length,
                                          name="vectorizer")
    vectorizer.adapt(train_lines)
    text = keras.Input(shape=(1,), dtype="string", name="text")
    x = vectorizer(text)
    x = layers.Embedding(vectorizer.vocabulary_size(), embedding_dim)(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.2)(x)
    out = layers.Dense(num_classes, activation="softmax")(x)
    model = keras.Model(text, out, name="text_classifier")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main(epochs=30, batch_size=32, verbose="auto"):
    """Train; returns (model, test accuracy, class names)."""
    tf.random.set_seed(0)
    lines, labels, names = load_lines()
    order = np.random.default_rng(0).permutation(len(lines))
    lines, labels = lines[order], labels[order]
    split = len(lines) * 3 // 4
    x_train, y_train = lines[:split, None], labels[:split]
    x_test, y_test = lines[split:, None], labels[split:]
    print(f"{len(lines)} lines, {len(names)} classes: {names}")
    model = build_model(x_train[:, 0], len(names))
    model.fit(x_train, y_train, batch_size=batch_size, epochs=epochs, verbose=verbose)
    _, accuracy = model.evaluate(x_test, y_test, verbose=0)
    print(f"test accuracy: {accuracy:.3f} (chance: {np.bincount(y_test).max() / len(y_test):.3f})")
    for line in ("sepal length and petal width in cm", "malignant or benign tumor",
                 "newsgroup posts about computers and politics"):
        probs = model.predict(np.array([[line]]), verbose=0)[0]
        print(f"  {line!r} -> {names[int(np.argmax(probs))]} ({probs.max():.2f})")
    return model, accuracy, names


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=30)
    args = parser.parse_args()
    main(epochs=args.epochs)
