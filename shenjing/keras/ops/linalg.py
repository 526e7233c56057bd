"""``keras.ops.linalg``: re-exports ``shenjing.ops.linalg``."""

from ...ops.linalg import *  # noqa: F401,F403
from ...ops.linalg import __all__  # noqa: F401
