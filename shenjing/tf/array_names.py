"""TensorFlow-style ``array_names``: aliases of shenjing.ops (see shenjing/tf/__init__.py)."""

__all__ = []
