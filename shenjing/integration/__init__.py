"""Hooks into other libraries' searches and trackers (floor 8), imported only on demand:
``shenjing`` itself never imports this package, so their packages stay optional.

- ``shenjing.integration.optuna.KerasPruningCallback``: Optuna's pruning callback for ``fit``
  (also reachable as ``shenjing.integration.KerasPruningCallback``, as
  ``optuna.integration.KerasPruningCallback`` is in Optuna).
"""

__all__ = ["KerasPruningCallback"]


def __getattr__(name):
    # Lazy: importing optuna takes a while, and only a user of the callback needs it.
    if name == "KerasPruningCallback":
        from .optuna import KerasPruningCallback

        return KerasPruningCallback
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
