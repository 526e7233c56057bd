"""State whose shape is known only at the first batch (Keras's ``_build`` in update_state).

A metric lists ``_state_names`` and calls ``build_state(shape)`` on its first
``update_state``; loading saved state into an unbuilt metric builds it from the
stored arrays' shape first, so a saved F1Score or R2Score loads like any metric.
"""


class LazyStateMixin:
    _state_names = ()
    _state_start = 0  # how many variables the metric creates eagerly, before the lazy ones

    @property
    def built_state(self):
        return len(self._variables) > self._state_start

    def build_state(self, shape):
        for name in self._state_names:
            setattr(self, name, self.add_variable(shape=shape, name=name))

    def load_own_variables(self, store):
        if not getattr(store, "exists", True):
            return
        if not self.built_state:
            key = str(self._state_start)
            if key in store.keys():
                self.build_state(tuple(store[key].shape))
        super().load_own_variables(store)

    def reset_state(self):
        super().reset_state()
