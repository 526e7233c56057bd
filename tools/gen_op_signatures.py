"""Write shenjing/layers/op_signatures.py from the installed Keras 3: for every operation class
of ``keras.src.ops.<module>``, the names of its ``call`` parameters (the tensors a graph node
passes) and of its ``__init__`` parameters (the static arguments Keras writes in the config).

Run: ``KERAS_BACKEND=jax python tools/gen_op_signatures.py`` from the repository root.
"""

import importlib
import inspect
import pathlib

import keras
from keras.src.ops.operation import Operation

MODULES = ("numpy", "nn", "math", "linalg", "core", "image")
TARGET = pathlib.Path(__file__).resolve().parents[1] / "shenjing" / "layers" / "op_signatures.py"


def names(fn, skip):
    out = []
    for p in inspect.signature(fn).parameters.values():
        if p.name in skip or p.kind is p.VAR_KEYWORD:
            continue
        out.append(("*" if p.kind is p.VAR_POSITIONAL else "") + p.name)
    return tuple(out)


def main():
    lines = []
    for module in MODULES:
        mod = importlib.import_module(f"keras.src.ops.{module}")
        for name, cls in sorted(vars(mod).items()):
            if inspect.isclass(cls) and issubclass(cls, Operation) and cls.__module__ == mod.__name__:
                call = names(cls.call, {"self"})
                init = names(cls.__init__, {"self", "name", "args"})
                lines.append(f"    ({module!r}, {name!r}): ({call!r}, {init!r}),")
    TARGET.write_text(
        '"""Keras 3\'s operation classes: ``(module, class name) -> (call parameters, __init__\n'
        'parameters)``. A graph node of a ``keras_op`` passes the call parameters as its arguments and\n'
        'writes the others into the config, as Keras does. Generated from Keras '
        f'{keras.__version__} by\ntools/gen_op_signatures.py; do not edit by hand."""\n\n'
        "KERAS_OP_SIGNATURES = {\n" + "\n".join(lines) + "\n}\n")


if __name__ == "__main__":
    main()
