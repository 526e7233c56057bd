"""scikit-learn wrappers (floor 8): Keras 3's ``keras.wrappers.SKLearnClassifier``,
``SKLearnRegressor`` and ``SKLearnTransformer``. ``shenjing.keras`` loads this package only on
first use of ``keras.wrappers`` (importing scikit-learn takes about a second)."""

from .sklearn_wrapper import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: F401

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
