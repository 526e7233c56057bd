"""``keras.ops.nn``: re-exports ``shenjing.ops.nn``."""

from ...ops.nn import *  # noqa: F401,F403
from ...ops.nn import __all__  # noqa: F401
