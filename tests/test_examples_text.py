"""The text examples run offline on the corpus scikit-learn ships, for a few steps."""


import numpy as np
import pytest

from example_loader import load


def test_char_lstm_trains_and_prints_samples(capsys):
    pytest.importorskip("sklearn")
    module = load("char_lstm")
    history, samples = module.main(short=True, epochs=1, steps=8, verbose=0)
    losses = history.history["loss"]
    ids = len(set(module.load_corpus())) + 2   # the characters, padding and unknown
    assert len(losses) == 1 and losses[0] < np.log(ids) - 0.3   # learning: below a uniform guess
    assert len(samples) == 1 and len(samples[0]) == 60
    printed = capsys.readouterr().out
    assert "-- epoch 1: seed" in printed and repr(samples[0]) in printed


def test_char_lstm_vectorization_round_trips_the_corpus():
    pytest.importorskip("sklearn")
    module = load("char_lstm")
    corpus = module.load_corpus()[:500]
    vectorizer, to_chars, x, y = module.vectorize(corpus, seq_len=10, stride=7)
    assert x.shape[1] == 10 and len(x) == len(y)
    ids = vectorizer(np.array([corpus])).numpy()[0]
    assert "".join(to_chars(ids).tolist()) == corpus
    np.testing.assert_array_equal(x[1], ids[7:17])
    assert y[1] == ids[17]


def test_text_classification_beats_chance_and_saves_with_its_vocabulary(tmp_path):
    pytest.importorskip("sklearn")
    from shenjing import saving

    model, accuracy, names = load("text_classification").main(epochs=10, verbose=0)
    assert len(names) == 6
    assert accuracy > 0.6   # chance (the largest class of the held-out quarter) is about 0.46
    lines = np.array([["sepal length and petal width"], ["a line of text"]])
    path = tmp_path / "classifier.keras"
    model.save(path)
    again = saving.load_model(path)
    np.testing.assert_allclose(again.predict(lines, verbose=0), model.predict(lines, verbose=0),
                               rtol=1e-5, atol=1e-6)
