"""``keras.random.SeedGenerator`` and how every sampling function turns its ``seed`` into draws.

Keras 3's contract (``draw_seed``): an int seed gives the same values on every call; a
``SeedGenerator`` gives new values on each call (its state ``[seed, counter]``, a
non-trainable uint32 Variable, advances by ``[0, 1]`` per ``next()``); ``None`` uses the
process-wide generator that ``keras.utils.set_random_seed`` / ``shenjing.random.set_seed``
reseed. A state ``[s, c]`` becomes a NumPy generator seeded by the sequence ``(s, c)``, so
draws do not depend on the array module.
"""


import numpy as np  # the seeded host generators; results move to backend.xp

from .. import backend
from ..autograd import Tensor, Variable
from ..registry import keras_export

_NAMES = {}


def _auto_name(prefix):
    count = _NAMES.get(prefix, 0)
    _NAMES[prefix] = count + 1
    return prefix if count == 0 else f"{prefix}_{count}"


@keras_export("keras.random.SeedGenerator")
class SeedGenerator:
    """``SeedGenerator(seed=None, name=None)``: a seed state that advances on each use.

    ``seed`` must be an int (None: a random one, as Keras's ``make_default_seed``).
    ``state`` is the Variable ``[seed, counter]``; ``next()`` returns the current state
    and advances the counter (``ordered=False`` scrambles it as Keras does).
    """

    def __init__(self, seed=None, name=None, **kwargs):
        kwargs.pop("backend", None)
        if kwargs:
            raise ValueError(f"Unrecognized keyword arguments: {kwargs}")
        self.name = name or _auto_name("seed_generator")
        self._initial_seed = seed
        if seed is None:
            seed = backend.python_random().randint(1, int(1e9))
        if not isinstance(seed, (int, np.integer)) or isinstance(seed, bool):
            raise ValueError(f"Argument `seed` must be an integer. Received: seed={seed}")
        initial = np.array([int(seed) & 0xFFFFFFFF, 0], dtype=np.uint32)
        self.state = Variable(initial, shape=(2,), dtype="uint32", trainable=False,
                              name="seed_generator_state")

    def next(self, ordered=True):
        """The current ``[seed, counter]`` (a uint32 Tensor), then advance the state."""
        value = backend.to_numpy(self.state.data).astype(np.uint32).copy()
        if ordered:
            new = value + np.array([0, 1], dtype=np.uint32)
        else:
            new = ((value.astype(np.int64) + 1) * 5387 % 933199).astype(np.uint32)
        self.state.assign(new)
        return Tensor(backend.xp.asarray(value))

    def get_config(self):
        return {"seed": self._initial_seed, "name": self.name}

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def __repr__(self):
        return f"<SeedGenerator name={self.name}, state={backend.to_numpy(self.state.data).tolist()}>"


def keras_rng(seed):
    """The NumPy generator for a Keras ``seed`` (int, SeedGenerator or None)."""
    if isinstance(seed, SeedGenerator):
        return np.random.default_rng([int(v) for v in backend.to_numpy(seed.next().data)])
    if seed is None:
        return backend.rng()
    if isinstance(seed, (int, np.integer)) and not isinstance(seed, bool):
        return np.random.default_rng([int(seed) & 0xFFFFFFFF, 0])
    if isinstance(seed, np.random.Generator):
        return seed
    raise ValueError("Argument `seed` must be either an integer or an instance of "
                     f"`SeedGenerator`. Received: seed={seed} (of type {type(seed)})")
