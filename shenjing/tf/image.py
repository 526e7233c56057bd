"""TensorFlow-style ``image``: aliases of shenjing.ops (see shenjing/tf/__init__.py)."""

__all__ = []
