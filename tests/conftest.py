"""Suite-wide ordering: the comparisons with real Keras (JAX) run last.

JAX starts threads once it computes; a test that forks worker processes afterwards (PyDataset
with ``use_multiprocessing=True``) would fork a multithreaded process, which can deadlock.
Running the Keras comparisons after everything else keeps every fork before JAX's threads.
"""


def _uses_keras(item):
    path = str(item.fspath)
    return "keras_diff" in path or path.endswith("test_against_keras.py")


def pytest_collection_modifyitems(config, items):
    items[:] = [i for i in items if not _uses_keras(i)] + [i for i in items if _uses_keras(i)]
