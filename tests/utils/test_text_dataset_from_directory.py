"""keras.utils.text_dataset_from_directory with Keras 3's contract (labels, label_mode,
class_names, splits, max_length, follow_links)."""
import os

import numpy as np
import pytest

from shenjing import keras


@pytest.fixture
def text_dir(tmp_path):
    for cls, n in (("neg", 6), ("pos", 4)):
        os.makedirs(tmp_path / cls / "sub")
        for i in range(n):
            folder = tmp_path / cls / ("sub" if i == 0 else "")
            (folder / f"{cls}{i}.txt").write_text(f"{cls} review {i} é")
        (tmp_path / cls / "skip.md").write_text("not a text file")
    return str(tmp_path)


def _all(ds):
    texts, labels = [], []
    for t, y in ds:
        texts += [s.decode() for s in t.numpy()]
        labels += list(np.asarray(y))
    return texts, labels


def test_inferred_labels_and_class_names(text_dir):
    ds = keras.utils.text_dataset_from_directory(text_dir, batch_size=4, shuffle=False)
    assert ds.class_names == ["neg", "pos"] and int(ds.cardinality()) == 3
    texts, labels = _all(ds)
    assert len(texts) == 10 and all((t.split()[0] == "pos") == bool(y) for t, y in zip(texts, labels))
    assert np.asarray(next(iter(ds))[1]).dtype == np.int32
    ds = keras.utils.text_dataset_from_directory(text_dir, class_names=["pos", "neg"], shuffle=False)
    texts, labels = _all(ds)
    assert all((t.split()[0] == "neg") == bool(y) for t, y in zip(texts, labels))


def test_label_modes_and_max_length(text_dir):
    binary = keras.utils.text_dataset_from_directory(text_dir, label_mode="binary", batch_size=10,
                                                     shuffle=False)
    t, y = next(iter(binary))
    assert y.shape == (10, 1) and y.dtype == np.float32
    cat = keras.utils.text_dataset_from_directory(text_dir, label_mode="categorical",
                                                  batch_size=10, shuffle=False, max_length=3)
    t, y = next(iter(cat))
    assert y.shape == (10, 2) and set(t.numpy()) == {b"neg", b"pos"}
    texts_only = keras.utils.text_dataset_from_directory(text_dir, labels=None, batch_size=None)
    assert int(texts_only.cardinality()) == 10 and next(iter(texts_only)).ndim == 0
    given = keras.utils.text_dataset_from_directory(text_dir, labels=[0] * 5 + [1] * 5,
                                                    shuffle=False)
    assert given.class_names == ["0", "1"]


def test_validation_split_subsets(text_dir):
    kw = dict(validation_split=0.3, seed=1337, batch_size=2)
    train = keras.utils.text_dataset_from_directory(text_dir, subset="training", **kw)
    val = keras.utils.text_dataset_from_directory(text_dir, subset="validation", **kw)
    both = keras.utils.text_dataset_from_directory(text_dir, subset="both", **kw)
    t_train, t_val = _all(train)[0], _all(val)[0]
    assert len(t_train) == 7 and len(t_val) == 3 and not set(t_train) & set(t_val)
    assert sorted(_all(both[0])[0]) == sorted(t_train) and sorted(_all(both[1])[0]) == sorted(t_val)
    with pytest.raises(ValueError, match="seed"):
        keras.utils.text_dataset_from_directory(text_dir, validation_split=0.2, subset="training")
    with pytest.raises(ValueError, match="label_mode"):
        keras.utils.text_dataset_from_directory(text_dir, label_mode="sparse")


def test_follow_links(text_dir, tmp_path_factory):
    extra = tmp_path_factory.mktemp("extra")
    (extra / "linked.txt").write_text("pos linked")
    os.symlink(extra, os.path.join(text_dir, "pos", "link"))
    plain = keras.utils.text_dataset_from_directory(text_dir, shuffle=False)
    linked = keras.utils.text_dataset_from_directory(text_dir, shuffle=False, follow_links=True)
    assert len(_all(plain)[0]) == 10 and len(_all(linked)[0]) == 11
    assert keras.preprocessing.timeseries_dataset_from_array is keras.utils.timeseries_dataset_from_array
