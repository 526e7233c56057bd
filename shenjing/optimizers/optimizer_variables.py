"""An optimizer's variables: what it keeps for each weight, in which order, and saving.

Keras lists an optimizer's variables in creation order: ``iterations``, the learning
rate (when a float), then what ``build(var_list)`` makes: the moving averages
(``use_ema``) and the gradient accumulators, each kind over all weights, then the
optimizer's own slots. A built-in names its slots in ``_slot_kinds()`` and, in
``_interleaved_slots``, the kinds that its Keras ``build`` creates weight by weight
(``add_optimizer_variables(var_list, ["momentum", "velocity"])``: "w1 momentum, w1
velocity, w2 momentum, ..."); the other kinds come each over all weights, in order.
So ``variables`` comes out in Keras's order by each class's own declaration, and
``save_own_variables`` / ``load_own_variables`` write and read exactly that.

A user subclass may instead be written the Keras way: ``build(var_list)`` calls
``super().build(var_list)`` and creates its state with ``add_variable`` /
``add_variable_from_reference``; ``update_step(gradient, variable, learning_rate)``
changes it with ``assign`` / ``assign_add`` / ``assign_sub``. Those variables follow
the built-in state in ``variables``, in creation order.
"""

import math
import warnings

import numpy as np

from .. import backend, safety
from .. import initializers as _initializers
from ..autograd.variable import Variable


class OptimizerVariables:
    """The variable half of ``Optimizer`` (a mixin; ``Optimizer.__init__`` calls
    ``_init_variables``)."""

    def _init_variables(self):
        self._vars = []             # the weights, in the order first seen
        self._var_index = {}        # id(weight) -> position in _vars
        self._slots = {}            # id(weight) -> list of state arrays, one per slot kind
        self._base_slots = {}       # id(weight) -> [ema average] + [gradient accumulator]
        self._own_variables = []    # made by a subclass with add_variable(...)
        self._variable_order = None

    # -- per-weight state ------------------------------------------------------
    # Slot kinds that Keras creates weight by weight ("w1_momentum, w1_velocity, w2_momentum,
    # ..."); the other kinds come kind by kind over all weights, after them.
    _interleaved_slots = ()

    def _slot_kinds(self):
        """Names and initial values of the per-weight state, in Keras's order."""
        return ()

    def _global_state(self):
        """Optimizer-wide arrays saved after the slots (Nadam's ``u_product``)."""
        return []

    def _set_global_state(self, arrays):
        pass

    def _keras_style(self):
        """True when a subclass overrides ``update_step`` (Keras's extension point)."""
        return type(self).update_step is not OptimizerVariables.update_step

    def build(self, var_list):
        """Create the state of every weight in ``var_list`` now (otherwise done on first step).

        A Keras-style subclass overrides it, calls ``super().build(var_list)`` first and then
        creates its own state with ``add_variable_from_reference``."""
        for var in var_list:
            if id(var) not in self._slots:
                self._register(var)

    @property
    def built(self):
        return bool(self._vars)

    def _register(self, var):
        data = var.data
        copies = len(self._slot_kinds()) + bool(self.use_ema) + bool(self.gradient_accumulation_steps)
        safety.charge(copies * data.nbytes,   # inside a load: before the state is allocated
                      f"optimizer '{self.name}': {copies} state array(s) of weight "
                      f"'{getattr(var, 'path', None) or getattr(var, 'name', '')}' of shape "
                      f"{tuple(data.shape)}")
        self._var_index[id(var)] = len(self._vars)
        self._vars.append(var)
        self._slots[id(var)] = self._make_slots(var)
        base = []
        if self.use_ema:
            base.append(data.copy())
        if self.gradient_accumulation_steps:
            base.append(backend.xp.zeros_like(data))
        self._base_slots[id(var)] = base
        self._on_register(var)

    def _on_register(self, var):
        pass

    def _make_slots(self, var):
        """The state arrays of one weight, one per kind of ``_slot_kinds()``: shaped like the
        weight by default. A subclass may shape them otherwise (Adafactor's factored
        rows/columns) or leave one out with None (Muon's Adam velocity of 2-D weights)."""
        data = var.data
        return [backend.xp.full_like(data, init) if init else backend.xp.zeros_like(data)
                for _, init in self._slot_kinds()]

    def _ensure_built(self, var_list):
        if not self._keras_style():
            self.build(var_list)
            return
        if not self.built:
            self.build(var_list)
            if not self.built:
                raise ValueError(f"{type(self).__name__}.build() must call "
                                 "`super().build(var_list)` before creating its variables.")
        unknown = [getattr(v, "name", None) for v in var_list if id(v) not in self._slots]
        if unknown:
            raise ValueError(
                f"Optimizer '{self.name}' was built on {len(self._vars)} variables and cannot "
                f"update variables it was not built on. Received: variables={unknown}")

    # -- Keras's variable API ----------------------------------------------------------
    def add_variable(self, shape, initializer="zeros", dtype=None, aggregation="none",
                     name=None):
        """A new non-trainable optimizer variable, saved with the optimizer's state."""
        if aggregation not in ("none", "mean", "sum", "only_first_replica"):
            raise ValueError("Invalid value for argument `aggregation`. Expected one of "
                             "'none', 'mean', 'sum', 'only_first_replica'. "
                             f"Received: aggregation={aggregation!r}")
        init = _initializers.get(initializer)
        shape = tuple(int(d) for d in shape)
        dtype = np.dtype(dtype or backend.floatx())
        name = name or f"variable_{len(self._own_variables)}"
        safety.charge(2 * math.prod(shape) * dtype.itemsize,   # the initial value and its copy
                      f"optimizer '{self.name}': variable '{name}' of shape {shape}")
        variable = Variable(lambda s, dtype=None: init(s, dtype=dtype), shape=shape,
                            dtype=dtype, trainable=False, name=name)
        variable.path = f"{self.name}/{name}"
        self._own_variables.append(variable)
        return variable

    def add_variable_from_reference(self, reference_variable, name=None, initializer="zeros"):
        """A variable shaped like ``reference_variable`` (a slot of that weight)."""
        base = (getattr(reference_variable, "path", None) or getattr(reference_variable, "name", None)
                or "variable").replace("/", "_")
        return self.add_variable(tuple(reference_variable.shape), initializer=initializer,
                                 dtype=reference_variable.dtype,
                                 name=f"{base}_{name}" if name else base)

    def _get_variable_index(self, variable):
        """The position of ``variable`` among the weights the optimizer was built on (Keras's
        way to find a weight's slot in ``update_step``)."""
        index = self._var_index.get(id(variable))
        if index is None:
            raise KeyError(f"Optimizer '{self.name}' was not built on variable "
                           f"{getattr(variable, 'name', variable)!r}.")
        return index

    def assign(self, variable, value):
        """``variable[...] = value`` (Keras's ``optimizer.assign``)."""
        variable.assign(value)

    def assign_add(self, variable, value):
        variable.assign_add(value)

    def assign_sub(self, variable, value):
        variable.assign_sub(value)

    def update_step(self, gradient, variable, learning_rate):
        """Keras's per-variable update; override it to write an optimizer the Keras way."""
        raise NotImplementedError(f"{self.__class__.__name__} must implement `update_step`")

    # -- the state, in Keras's order -------------------------------------------------------
    def _ordered_vars(self):
        """The weights in the order the state is listed: ``_vars``, unless a saver asked for
        another order with ``_set_variable_order``."""
        order = self._variable_order
        if not order:
            return self._vars
        position = {key: i for i, key in enumerate(order)}
        ranked = sorted(range(len(self._vars)),
                        key=lambda i: (position.get(id(self._vars[i]), len(order)), i))
        return [self._vars[i] for i in ranked]

    def _set_variable_order(self, var_list):
        """List the per-weight state following ``var_list`` (the weights in the order the
        model's file lists them); weights not in it follow in the order first seen."""
        self._variable_order = [id(v) for v in var_list]

    @property
    def variables(self):
        """All state as arrays, in Keras's creation order: iterations, learning rate (if a
        float), the moving averages and gradient accumulators (each kind over all weights),
        the slots (``_interleaved_slots`` weight by weight, then the other kinds each over
        all weights), the variables a subclass made with ``add_variable``, then global
        state. Slot arrays are the live state; iterations and learning rate are copies."""
        out = [np.array(self._iterations, dtype=np.int64)]
        if isinstance(self._learning_rate, float):
            out.append(np.array(self._learning_rate, dtype=np.float32))
        vars_ = self._ordered_vars()
        if vars_:
            for k in range(len(self._base_slots[id(vars_[0])])):
                out.extend(self._base_slots[id(var)][k] for var in vars_)
        kinds = [name for name, _ in self._slot_kinds()]
        joint = [k for k, name in enumerate(kinds) if name in self._interleaved_slots]
        for var in vars_:
            slots = self._slots[id(var)]
            out.extend(slots[k] for k in joint if slots[k] is not None)
        for k in range(len(kinds)):
            if k not in joint:
                out.extend(self._slots[id(var)][k] for var in vars_
                           if self._slots[id(var)][k] is not None)
        out.extend(v.data for v in self._own_variables)
        out.extend(self._global_state())
        return out

    def get_state(self):
        """Copies of ``variables``: a list of arrays that ``set_state`` takes back."""
        return [np.array(backend.to_numpy(a), copy=True) for a in self.variables]

    def set_state(self, arrays):
        """Restore ``get_state()``'s arrays; the count and every shape must match."""
        arrays = [np.asarray(a) for a in arrays]
        current = self.variables
        if len(arrays) != len(current):
            raise ValueError(
                f"Optimizer '{self.name}' has {len(current)} state arrays (built on "
                f"{len(self._vars)} weights), but received {len(arrays)}. Call "
                "`optimizer.build(trainable_variables)` first with the same weights."
            )
        for i, (target, value) in enumerate(zip(current, arrays)):
            if target.shape != value.shape:
                raise ValueError(
                    f"Optimizer '{self.name}' state array {i} has shape {target.shape}, "
                    f"received shape {value.shape}"
                )
        self._iterations = int(arrays[0])
        start = 1
        if isinstance(self._learning_rate, float):
            # Saved as float32 (as Keras does): keep the exact float when it is the same rate.
            if np.float32(self._learning_rate) != np.float32(arrays[1]):
                self._learning_rate = float(arrays[1])
            start = 2
        n_global = len(self._global_state())
        for target, value in zip(current[start:len(current) - n_global],
                                 arrays[start:len(arrays) - n_global]):
            target[...] = value
        if n_global:
            self._set_global_state(arrays[len(arrays) - n_global:])

    def set_weights(self, weights):
        self.set_state(weights)

    def get_weights(self):
        return self.get_state()

    def save_own_variables(self, store):
        """Write the state into a dict-like ``store`` under keys "0", "1", ... (as Keras)."""
        for i, array in enumerate(self.variables):
            store[str(i)] = np.array(backend.to_numpy(array), copy=True)

    def load_own_variables(self, store):
        """Read the state from ``store``; warn and skip when the count differs (as Keras),
        except for a saved optimizer that never took a step (its "0", iterations, is 0: it
        holds only initial values, so skipping loses nothing: a compiled, untrained model's
        copy or pickle). Every shape is checked before anything is assigned. A file without
        the optimizer's group (``store.exists`` false) leaves the state as it is."""
        if not getattr(store, "exists", True):
            return
        n = len(self.variables)
        if len(store.keys()) != n:
            if "0" in store.keys() and np.size(store["0"]) == 1 and int(np.asarray(store["0"])) == 0:
                return
            msg = (f"Skipping variable loading for optimizer '{self.name}', because it has "
                   f"{n} variables whereas the saved optimizer has {len(store.keys())} variables. ")
            if not self._vars:
                msg += "This is likely because the optimizer has not been called/built yet."
            warnings.warn(msg, stacklevel=2)
            return
        if set(store.keys()) != {str(i) for i in range(n)}:
            raise ValueError(f"Cannot load the state of optimizer '{self.name}': "
                             f"'{getattr(store, 'path', 'the store')}' holds {sorted(store)}, "
                             f"expected keys 0..{n - 1}")
        try:
            self.set_state([np.asarray(store[str(i)]) for i in range(n)])
        except ValueError as error:
            raise ValueError(f"Cannot load the state of optimizer '{self.name}' from "
                             f"'{getattr(store, 'path', 'the store')}': {error}") from None
