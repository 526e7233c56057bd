"""A character-level LSTM language model that prints generated text as it trains.

Corpus: the dataset descriptions that scikit-learn ships (``sklearn/datasets/descr/*.rst``,
about 47 KB of English and reStructuredText; nothing is downloaded).

    TextVectorization(split="character", standardize=None)   characters -> ids (0 pads, 1 unknown)
    windows of seq_len ids -> the id of the next character
    Embedding -> LSTM -> Dense(softmax over the characters), sparse categorical cross-entropy
    sampling: p_i ∝ exp(log(p_i) / temperature); StringLookup(invert=True) turns ids back into text

Run: python examples/char_lstm.py [--epochs 10] [--steps 60] [--short]
(--short: LSTM(64) on windows of 24 for 2 x 15 steps, about 9 s of CPU; the default LSTM(128)
on windows of 40, batch 64, took about 1.7 s of CPU per step when this was written.)
"""

import argparse
import glob
import os

import numpy as np

import shenjing as tf
from shenjing import keras
from shenjing.keras import layers


def load_corpus():
    """The text of scikit-learn's dataset descriptions, joined in file-name order."""
    import sklearn

    folder = os.path.join(os.path.dirname(sklearn.__file__), "datasets", "descr")
    texts = []
    for path in sorted(glob.glob(os.path.join(folder, "*.rst"))):
        with open(path, encoding="utf-8") as f:
            texts.append(f.read())
    if not texts:
        raise FileNotFoundError(f"no .rst dataset descriptions in {folder}")
    return "\n".join(texts)


def vectorize(corpus, seq_len, stride):
    """(vectorizer, inverse lookup, x windows (n, seq_len), y next ids (n,))."""
    vectorizer = layers.TextVectorization(split="character", standardize=None)
    vectorizer.adapt(np.array([corpus]))
    ids = vectorizer(np.array([corpus])).numpy()[0]
    starts = np.arange(0, len(ids) - seq_len - 1, stride)
    x = ids[starts[:, None] + np.arange(seq_len)]
    y = ids[starts + seq_len]
    to_chars = layers.StringLookup(vocabulary=vectorizer.get_vocabulary(), mask_token="",
                                   invert=True)
    return vectorizer, to_chars, x, y


def build_model(vocab_size, seq_len, units, embedding_dim):
    model = keras.Sequential([
        keras.Input(shape=(seq_len,), dtype="int64"),
        layers.Embedding(vocab_size, embedding_dim),
        layers.LSTM(units),
        layers.Dense(vocab_size, activation="softmax"),
    ], name="char_lstm")
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def sample(model, vectorizer, to_chars, seed_text, length, temperature, rng):
    """``length`` characters drawn one at a time after ``seed_text`` (ids 0 and 1 excluded)."""
    window = vectorizer(np.array([seed_text])).numpy()[0]
    out = []
    for _ in range(length):
        probs = model(window[None]).numpy()[0].astype("float64")
        probs[:2] = 0.0                      # padding and unknown are not characters
        logits = np.log(np.maximum(probs, 1e-12)) / temperature
        probs = np.exp(logits - logits.max())
        next_id = rng.choice(len(probs), p=probs / probs.sum())
        out.append(next_id)
        window = np.concatenate([window[1:], [next_id]])
    return "".join(to_chars(np.array(out)).tolist())


class PrintSamples(keras.callbacks.Callback):
    """After each epoch: a sample at each temperature, seeded from a random corpus window."""

    def __init__(self, corpus, vectorizer, to_chars, seq_len, length, temperatures, seed=0):
        super().__init__()
        self.corpus, self.vectorizer, self.to_chars = corpus, vectorizer, to_chars
        self.seq_len, self.length, self.temperatures = seq_len, length, temperatures
        self.rng = np.random.default_rng(seed)
        self.samples = []

    def on_epoch_end(self, epoch, logs=None):
        start = int(self.rng.integers(0, len(self.corpus) - self.seq_len))
        seed_text = self.corpus[start:start + self.seq_len]
        print(f"\n-- epoch {epoch + 1}: seed {seed_text!r}")
        for temperature in self.temperatures:
            text = sample(self.model, self.vectorizer, self.to_chars, seed_text, self.length,
                          temperature, self.rng)
            self.samples.append(text)
            print(f"   temperature {temperature}: {text!r}")


def main(epochs=10, steps=60, short=False, seq_len=40, stride=3, units=128, embedding_dim=32,
         batch_size=64, sample_length=200, verbose="auto"):
    """Train; returns (History, the printed samples)."""
    if short:
        epochs, steps, seq_len, units, embedding_dim = min(epochs, 2), min(steps or 15, 15), 24, 64, 16
        batch_size, sample_length = 32, 60
    tf.random.set_seed(0)
    corpus = load_corpus()
    vectorizer, to_chars, x, y = vectorize(corpus, seq_len, stride)
    print(f"corpus: {len(corpus)} characters, {vectorizer.vocabulary_size()} ids, "
          f"{len(x)} windows of {seq_len}")
    order = np.random.default_rng(0).permutation(len(x))
    x, y = x[order], y[order]
    model = build_model(vectorizer.vocabulary_size(), seq_len, units, embedding_dim)
    printer = PrintSamples(corpus, vectorizer, to_chars, seq_len, sample_length,
                           temperatures=(0.5, 1.0) if not short else (0.5,))
    history = model.fit(x, y, batch_size=batch_size, epochs=epochs, steps_per_epoch=steps,
                        callbacks=[printer], verbose=verbose)
    return history, printer.samples


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--steps", type=int, default=60, help="steps per epoch")
    parser.add_argument("--short", action="store_true", help="a small model, a few steps")
    args = parser.parse_args()
    main(epochs=args.epochs, steps=args.steps, short=args.short)
