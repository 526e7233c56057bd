"""The limits that bound what a file or a download can make shenjing use.

Each limit has a default and an environment variable that raises (or lowers) it;
``get_limit(name)`` reads the variable at the moment of the check, so a program can
set it at any time, and ``override_limits(**values)`` changes limits for a block
(tests use it). The table (``LIMITS``) is the documentation: docs/limits.md
lists the same rows.
"""

import contextlib
import contextvars
import os

from .errors import ResourceLimitError

_MiB = 1 << 20


class Limit:
    """One row: ``name``, its environment variable, its default, what it bounds."""

    def __init__(self, name, default, bounds, kind=int):
        self.name = name
        self.env = "SHENJING_" + name.upper()
        self.default = default
        self.bounds = bounds
        self.kind = kind

    def __repr__(self):
        return f"<Limit {self.name}={self.default} (${self.env}): {self.bounds}>"


LIMITS = {row.name: row for row in (
    Limit("max_expansion", 100,
          "bytes a load may materialize (decompressed entries, arrays read, variables built) "
          "per byte of the file on disk"),
    Limit("min_load_bytes", 16 * _MiB,
          "bytes any load may materialize whatever the file's size (the floor of max_expansion)"),
    Limit("max_config_bytes", 64 * _MiB, "bytes of a model's config.json"),
    Limit("max_layers", 100_000, "layers (and other objects) that one model config may declare"),
    Limit("max_config_depth", 100,
          "nesting depth of the lists and dicts in one model config (a model nested in a model "
          "adds about 3)"),
    Limit("max_h5_objects", 1_000_000, "groups and datasets walked in one HDF5 file"),
    Limit("max_download_seconds", 1800.0,
          "seconds one download may take in all (besides the per-read timeout)", float),
    Limit("max_download_margin", 1 << 20,
          "bytes a download may run past the size its loader expects"),
    Limit("max_input_elements", 1 << 28,
          "numbers one batch of `shenjing predict`/`evaluate` holds (inputs and layer outputs), from the model's declared shapes"),
)}

_OVERRIDES = contextvars.ContextVar("shenjing_limit_overrides", default={})


def get_limit(name):
    """The current value of the limit ``name`` (override, else environment, else default)."""
    row = LIMITS[name]
    overrides = _OVERRIDES.get()
    if name in overrides:
        return overrides[name]
    raw = os.environ.get(row.env)
    if raw is None or not raw.strip():
        return row.default
    try:
        value = row.kind(raw.strip())
    except ValueError:
        raise ValueError(f"${row.env} must be a number (the limit on {row.bounds}). "
                         f"Received: {raw!r}") from None
    if value < 0:
        raise ValueError(f"${row.env} must be >= 0. Received: {raw!r}")
    return value


@contextlib.contextmanager
def override_limits(**values):
    """Use ``values`` for the named limits inside the block (this thread/context only)."""
    unknown = sorted(set(values) - set(LIMITS))
    if unknown:
        raise ValueError(f"Unknown limit(s) {unknown}; expected names from {sorted(LIMITS)}")
    token = _OVERRIDES.set({**_OVERRIDES.get(), **values})
    try:
        yield
    finally:
        _OVERRIDES.reset(token)


RATIO_FLOOR_BYTES = 1 << 20  # below this, any compression ratio is accepted


def check_expansion(declared, stored, what, path=None):
    """Raise ``ResourceLimitError`` when ``what`` declares more than ``max_expansion`` times the
    bytes it ``stored`` (above ``RATIO_FLOOR_BYTES``): a compression, fill-value or shape bomb."""
    expansion = get_limit("max_expansion")
    if declared > RATIO_FLOOR_BYTES and declared > expansion * stored:
        row = LIMITS["max_expansion"]
        raise ResourceLimitError(
            path, f"{what} declares {declared} bytes but stores only {stored}: more than "
                  f"{row.name}={expansion} times (a compression, fill-value or shape bomb?); set "
                  f"${row.env} to raise it if you trust this file")


def check_limit(name, value, what, path=None):
    """Raise ``ResourceLimitError`` when ``value`` exceeds the limit ``name``."""
    limit = get_limit(name)
    if value > limit:
        row = LIMITS[name]
        raise ResourceLimitError(path, f"{what} is {value}, more than the limit of {limit} "
                                       f"({row.bounds}); set ${row.env} to raise it")
