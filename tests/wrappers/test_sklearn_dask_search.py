"""GridSearchCV over the learning rate on a Dask cluster (joblib's "dask" backend, a
LocalCluster of two worker processes that the test starts and stops) finds the same best
parameters and the same scores as the run on this process."""

import logging

import numpy as np
import pytest

distributed = pytest.importorskip("distributed")

import joblib  # noqa: E402
from sklearn.datasets import make_classification  # noqa: E402
from sklearn.model_selection import GridSearchCV, StratifiedKFold  # noqa: E402

from shenjing.keras import layers, models, optimizers  # noqa: E402
from shenjing.keras.wrappers import SKLearnClassifier  # noqa: E402


def build(X, y, learning_rate=0.01):
    model = models.Sequential([layers.Input((X.shape[1],)), layers.Dense(8, activation="relu"),
                               layers.Dense(y.shape[1], activation="softmax")])
    model.compile(optimizer=optimizers.Adam(learning_rate=learning_rate), loss="categorical_crossentropy")
    return model


def search(n_jobs):
    estimator = SKLearnClassifier(build, fit_kwargs={"epochs": 8, "batch_size": 16, "verbose": 0},
                                  random_state=0)
    return GridSearchCV(estimator, {"model_kwargs__learning_rate": [1e-4, 1e-2, 1e-1]},
                        cv=StratifiedKFold(3, shuffle=True, random_state=0), n_jobs=n_jobs)


def test_grid_search_on_a_local_dask_cluster_matches_the_local_run():
    X, y = make_classification(n_samples=90, n_features=6, n_informative=4, n_redundant=0,
                               n_classes=3, class_sep=2.0, random_state=0)
    local = search(n_jobs=1).fit(X, y)
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None, silence_logs=logging.ERROR) as cluster, \
            distributed.Client(cluster) as client:
        with distributed.get_task_stream(client) as tasks, joblib.parallel_backend("dask"):
            remote = search(n_jobs=-1).fit(X, y)
        workers = {task["worker"] for task in tasks.data}   # filled when the stream closes
    assert len(workers) == 2   # the 9 fits ran in both worker processes
    assert remote.best_params_ == local.best_params_ == {"model_kwargs__learning_rate": 1e-1}
    np.testing.assert_allclose(remote.cv_results_["mean_test_score"], local.cv_results_["mean_test_score"],
                               rtol=1e-6)
    np.testing.assert_array_equal(remote.predict(X), local.predict(X))
