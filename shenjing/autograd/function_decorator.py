"""``function``: ``tf.function`` as a decorator that calls the function as it is.

shenjing runs eagerly only, so there is nothing to trace or compile: code written
for TensorFlow with ``@tf.function`` (with or without arguments) runs unchanged.
The arguments are accepted and checked for type, then ignored.
"""

import functools


def function(func=None, input_signature=None, autograph=True, jit_compile=None,
             reduce_retracing=False, experimental_implements=None,
             experimental_autograph_options=None, experimental_attributes=None,
             experimental_relax_shapes=None, experimental_compile=None,
             experimental_follow_type_hints=None):
    """``@function`` or ``@function(...)``: returns ``func`` wrapped, called eagerly."""
    if input_signature is not None and not isinstance(input_signature, (list, tuple)):
        raise TypeError(
            f"Expected input_signature to be None, a list or a tuple. "
            f"Received: input_signature={input_signature!r}"
        )

    def decorate(fn):
        if not callable(fn):
            raise TypeError(f"Expected func to be callable. Received: func={fn!r}")

        @functools.wraps(fn)
        def eager(*args, **kwargs):
            return fn(*args, **kwargs)

        eager.python_function = fn
        return eager

    if func is None:
        return decorate
    return decorate(func)
