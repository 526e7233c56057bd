"""``CellLayer``: an ``RNN`` that builds its own cell from its arguments (SimpleRNN, LSTM, GRU).

The cell is named ``<layer kind>_cell`` and shares the layer's dtype and trainable flag; the
layer exposes the cell's arguments as read-only properties, and ``get_config`` writes them
flat in place of the cell's config (Keras 3's layout), so ``from_config`` is ``cls(**config)``.
"""

from ..input_spec import InputSpec
from ..layer_utils import serialize_regularizer
from . import fused
from .rnn import RNN


def check_use_cudnn(use_cudnn):
    if use_cudnn not in ("auto", True, False):
        raise ValueError("Invalid value received for argument `use_cudnn`. Expected one of "
                         f"{{'auto', True, False}}. Received: use_cudnn={use_cudnn}")
    return use_cudnn


class CellLayer(RNN):
    """Subclasses set ``cell_arguments``: the cell's config keys the layer's config repeats."""

    cell_arguments = ()
    config_has_seed = True  # SimpleRNN's Keras config has no "seed"

    def __init__(self, cell, activity_regularizer=None, **kwargs):
        super().__init__(cell, activity_regularizer=activity_regularizer, **kwargs)
        self.input_spec = InputSpec(ndim=3)

    def get_config(self):
        config = super().get_config()
        del config["cell"]
        cell_config = self.cell.get_config()
        config.update({key: cell_config[key] for key in self.cell_arguments})
        config["activity_regularizer"] = serialize_regularizer(self.activity_regularizer)
        if self.config_has_seed:
            config["seed"] = self.cell.seed
        return config

    @classmethod
    def from_config(cls, config):
        return cls(**config)

    def inner_loop(self, sequences, initial_state, mask, training=False):
        """The whole sequence in one fused op where it applies (``fused.run``), else the loop."""
        result = fused.run(self, sequences, initial_state, mask, training)
        if result is None:
            result = super().inner_loop(sequences, initial_state, mask, training)
        return result


def cell_property(name):
    """A read-only property that reads ``name`` from the layer's cell."""
    return property(lambda self: getattr(self.cell, name), doc=f"The cell's ``{name}``.")


def add_cell_properties(cls):
    """Class decorator: one ``cell_property`` per name in ``cls.cell_arguments``."""
    for name in cls.cell_arguments:
        setattr(cls, name, cell_property(name))
    return cls
