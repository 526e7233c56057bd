"""``keras.wrappers``: the scikit-learn wrappers of ``shenjing.wrappers`` (one implementation, re-exported)."""

from ..wrappers import SKLearnClassifier, SKLearnRegressor, SKLearnTransformer  # noqa: F401

__all__ = ["SKLearnClassifier", "SKLearnRegressor", "SKLearnTransformer"]
