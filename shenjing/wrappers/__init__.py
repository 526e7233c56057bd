"""scikit-learn wrappers (floor 8): Keras 3's ``keras.wrappers.SKLearnClassifier``,
``SKLearnRegressor`` and ``SKLearnTransformer``. scikit-learn is optional: without it the
wrappers raise ImportError when made; ``shenjing.keras`` loads this package only on first use
of ``keras.wrappers``."""

from .sklearn_wrapper import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: F401

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
