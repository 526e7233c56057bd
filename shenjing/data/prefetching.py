"""``prefetch``: the input produced ahead in a background thread, through a bounded queue.

The producer is a daemon thread that owns its iterator of the input and puts up to
``buffer_size`` elements in a queue; the consumer takes them in order. An exception in the
producer is raised again in the consumer at the same place in the sequence. When the consumer
stops early (a ``break``, ``take``, garbage collection of the iterator) a stop event is set,
the queue drained and the thread joined, so no thread is left behind. ``AUTOTUNE`` buffers
two elements; ``prefetch(0)`` passes the input through unchanged.
"""

import queue
import threading

from . import cardinality as card
from .dataset import InputDataset
from .structure import check_int

_AUTOTUNE_BUFFER = 2
_POLL_S = 0.05
_JOIN_S = 10.0
_ITEM, _END, _ERROR = 0, 1, 2


def _put(channel, message, stop):
    """Put ``message`` unless the consumer has gone; False when it has."""
    while not stop.is_set():
        try:
            channel.put(message, timeout=_POLL_S)
            return True
        except queue.Full:
            continue
    return False


def _produce(dataset, channel, stop):
    iterator = dataset._iterate()
    try:
        for element in iterator:
            if not _put(channel, (_ITEM, element), stop):
                return
        _put(channel, (_END, None), stop)
    except BaseException as error:  # handed to the consumer, which raises it
        _put(channel, (_ERROR, error), stop)
    finally:
        close = getattr(iterator, "close", None)
        if close is not None:
            close()


class PrefetchDataset(InputDataset):
    """The input, up to ``buffer_size`` elements ahead of the consumer."""

    def __init__(self, dataset, buffer_size):
        self._input = dataset
        size = check_int(buffer_size, "buffer_size")
        if size == card.AUTOTUNE:
            size = _AUTOTUNE_BUFFER
        elif size < 0:
            raise ValueError("Expected `buffer_size` to be >= 0 or AUTOTUNE (-1). Received: "
                             f"buffer_size={size}")
        self._size = size

    def _iterate(self):
        if self._size == 0:
            yield from self._input._iterate()
            return
        channel, stop = queue.Queue(maxsize=self._size), threading.Event()
        thread = threading.Thread(target=_produce, args=(self._input, channel, stop),
                                  name="shenjing-data-prefetch", daemon=True)
        thread.start()
        try:
            while True:
                try:
                    kind, value = channel.get(timeout=_POLL_S)
                except queue.Empty:
                    if not thread.is_alive() and channel.empty():
                        raise RuntimeError("The prefetch thread ended without finishing its "
                                           "input") from None
                    continue
                if kind == _ITEM:
                    yield value
                elif kind == _END:
                    return
                else:
                    raise value
        finally:
            stop.set()
            while True:  # unblock a producer waiting on a full queue
                try:
                    channel.get_nowait()
                except queue.Empty:
                    break
            thread.join(_JOIN_S)
