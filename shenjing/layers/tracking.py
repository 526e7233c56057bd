"""Attribute tracking: sublayers and variables assigned to a layer become its state.

Tracked in assignment order: a sublayer joins ``_layers``, a variable joins
``_trainable_variables`` or ``_non_trainable_variables`` (by its flag when first
seen), a metric joins ``_tracked_metrics`` (the trainer reports and resets it, as Keras
tracks metric attributes), also inside lists, tuples and dicts, even ones filled after
assignment.
"""

from ..autograd import Variable
from ..backend.tree import flatten
from ..metrics.metric import Metric

# Attributes that hold the tracking state itself (never tracked as state).
_INTERNAL = frozenset(("_trainable_variables", "_non_trainable_variables", "_layers", "_tracked_ids",
                       "_weight_regularizers", "_losses", "_tracked_metrics", "_metrics_cache", "_inbound_nodes", "_container_names",
                       "_output_shapes"))  # Sequential's cache of shapes for summary()
_CONTAINERS = (list, tuple, dict)
_PLAIN = (int, float, str, bool, type(None))  # never state: skipped without a call


# Bumped whenever any object starts or stops tracking a sublayer, variable or metric, so
# that a list derived from the tracked state (the trainer's ``metrics``) can be cached.
_VERSION = [0]


def tracking_version():
    return _VERSION[0]


def bump_tracking_version():
    _VERSION[0] += 1


class Tracker:
    """The tracking half of ``Layer``."""

    def _init_tracker(self):
        if "_container_names" not in self.__dict__:
            object.__setattr__(self, "_container_names", set(
                name for name, value in self.__dict__.items()
                if name not in _INTERNAL and isinstance(value, _CONTAINERS)))
        if "_tracked_ids" not in self.__dict__:
            object.__setattr__(self, "_trainable_variables", [])
            object.__setattr__(self, "_non_trainable_variables", [])
            object.__setattr__(self, "_layers", [])
            object.__setattr__(self, "_tracked_ids", set())
            object.__setattr__(self, "_tracked_metrics", [])

    def __setattr__(self, name, value):
        if name not in _INTERNAL:
            self._init_tracker()  # attributes may be set before super().__init__()
            old = self.__dict__.get(name)
            if old is not None and old is not value:
                self._untrack(old, skip=name)
            self._track(value)
            if isinstance(value, _CONTAINERS):
                self._container_names.add(name)
            else:
                self._container_names.discard(name)
        object.__setattr__(self, name, value)

    def _track(self, value):
        if isinstance(value, Tracker) and value is not self:
            if id(value) not in self._tracked_ids:
                self._tracked_ids.add(id(value))
                self._layers.append(value)
                _VERSION[0] += 1
        elif isinstance(value, Variable):
            if id(value) not in self._tracked_ids:
                self._tracked_ids.add(id(value))
                store = self._trainable_variables if value.trainable else self._non_trainable_variables
                store.append(value)
        elif isinstance(value, Metric):
            if id(value) not in self._tracked_ids:
                self._tracked_ids.add(id(value))
                self._tracked_metrics.append(value)
                _VERSION[0] += 1
        elif isinstance(value, (list, tuple)):
            for item in value:
                if not isinstance(item, _PLAIN):
                    self._track(item)
        elif isinstance(value, dict):
            for item in value.values():
                if not isinstance(item, _PLAIN):
                    self._track(item)

    def _sync_tracking(self):
        """Track layers and variables put into list or dict attributes after assignment
        (only the attributes that were assigned a container through ``setattr`` are looked at:
        this runs on every top-level call)."""
        names = self.__dict__.get("_container_names")
        if names is None:  # an object made without __init__ (e.g. unpickled from an older version)
            self._init_tracker()
            names = self._container_names
        if names:
            for name, value in self.__dict__.items():  # in assignment order, as tracking is
                if name in names and isinstance(value, _CONTAINERS):
                    self._track(value)

    def _untrack(self, old, skip):
        """Forget ``old`` (a sublayer or variable being replaced) unless another attribute holds it."""
        for old_item in flatten(old):
            if not isinstance(old_item, (Tracker, Variable, Metric)) or id(old_item) not in self._tracked_ids:
                continue
            if any(old_item is leaf for key, value in self.__dict__.items()
                   if key != skip and key not in _INTERNAL for leaf in flatten(value)):
                continue
            self._tracked_ids.discard(id(old_item))
            _VERSION[0] += 1
            for store in (self._layers, self._trainable_variables, self._non_trainable_variables,
                          self._tracked_metrics):
                if any(item is old_item for item in store):
                    store[:] = [item for item in store if item is not old_item]
