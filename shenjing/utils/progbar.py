"""``keras.utils.Progbar``: the progress bar in Keras's format.

    1875/1875 ━━━━━━━━━━━━━━━━━━━━ 3s 2ms/step - accuracy: 0.9123 - loss: 0.2900

On a terminal the line is redrawn as steps finish; when the output is not a
terminal (a log file, CI) one line is written when the bar is finalized.
"""

import sys
import time

_BAR = "━"


def format_time_per_step(seconds):
    if seconds >= 1:
        return f"{seconds:.0f}s/step"
    if seconds >= 1e-3:
        return f"{seconds * 1e3:.0f}ms/step"
    return f"{seconds * 1e6:.0f}us/step"


def format_value(value):
    return f"{value:.4f}" if abs(value) >= 1e-3 or value == 0 else f"{value:.4e}"


class Progbar:
    """A bar of ``width`` cells for ``target`` steps (None: unknown), written to ``stream``."""

    def __init__(self, target, width=20, verbose=1, stream=None, interval=0.05):
        self.target, self.width, self.verbose, self.interval = target, width, verbose, interval
        self.stream = stream or sys.stdout
        self.dynamic = hasattr(self.stream, "isatty") and self.stream.isatty()
        self.start = time.perf_counter()
        self.last_draw = 0.0
        self.values = {}

    def update(self, current, values=None, finalize=None):
        """Show step ``current`` with ``values`` (a dict of the latest metric values)."""
        if values:
            self.values.update(values)
        if finalize is None:
            finalize = self.target is not None and current >= self.target
        now = time.perf_counter()
        if not finalize and (not self.dynamic or now - self.last_draw < self.interval):
            return
        self.last_draw = now
        elapsed = now - self.start
        per_step = elapsed / current if current else 0.0
        metrics = "".join(f" - {key}: {format_value(float(v))}" for key, v in sorted(self.values.items()))
        if self.verbose == 2:
            line = f"{self._counter(current)} - {elapsed:.0f}s - {format_time_per_step(per_step)}{metrics}"
        else:
            bar = self._bar(current)
            line = f"{self._counter(current)} {bar + ' ' if bar else ''}{elapsed:.0f}s {format_time_per_step(per_step)}{metrics}"
        if self.dynamic and self.verbose == 1:
            self.stream.write("\r" + line + ("\n" if finalize else ""))
        elif finalize:
            self.stream.write(line + "\n")
        self.stream.flush()

    def _counter(self, current):
        if self.target is None:
            return f"{current}/Unknown"
        digits = len(str(self.target))
        return f"{current:>{digits}}/{self.target}"

    def _bar(self, current):
        if self.target is None:
            return ""
        filled = min(self.width, int(round(self.width * current / self.target))) if self.target else self.width
        if self.dynamic:  # Keras colours the done part green and the rest grey
            return f"\x1b[32m{_BAR * filled}\x1b[0m\x1b[37m{_BAR * (self.width - filled)}\x1b[0m"
        return _BAR * filled + " " * (self.width - filled)
