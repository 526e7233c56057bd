"""``keras.ops``: re-exports ``shenjing.ops`` (one implementation; see shenjing/ops/)."""

from ...ops import *  # noqa: F401,F403
from . import core, image, linalg, math, nn, numpy  # noqa: F401
