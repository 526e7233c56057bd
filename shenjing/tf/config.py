"""TensorFlow's ``tf.config`` device queries, answered for shenjing's array module: NumPy runs on
the host, so the one device is ``CPU:0``; a GPU array module (CuPy) adds ``GPU:0``.
``tf.device(name)`` is a context manager that checks the name and places nothing: every
tensor lives where the array module keeps its arrays (``tensor.device`` says where)."""

import collections
import contextlib
import re

from .. import backend

__all__ = ["PhysicalDevice", "LogicalDevice", "list_physical_devices", "list_logical_devices",
           "device"]

PhysicalDevice = collections.namedtuple("PhysicalDevice", ["name", "device_type"])
LogicalDevice = collections.namedtuple("LogicalDevice", ["name", "device_type"])

_DEVICE_NAME = re.compile(r"^(/job:\w+)?(/replica:\d+)?(/task:\d+)?(/device:)?/?(?P<type>[A-Za-z_]+):(\d+|\*)$")


def _device_types():
    on_gpu = getattr(backend.xp, "__name__", "numpy").split(".")[0] == "cupy"
    return ["CPU", "GPU"] if on_gpu else ["CPU"]


def _check_type(device_type):
    if device_type is not None and not isinstance(device_type, str):
        raise ValueError(f"Expected `device_type` to be a string such as 'GPU' or 'CPU'. "
                         f"Received: device_type={device_type!r}")
    return None if device_type is None else device_type.upper()


def list_physical_devices(device_type=None):
    """``[PhysicalDevice(name='/physical_device:CPU:0', device_type='CPU'), ...]``, filtered by
    ``device_type`` ('CPU', 'GPU'); an empty list when there is no such device."""
    wanted = _check_type(device_type)
    return [PhysicalDevice(f"/physical_device:{t}:0", t) for t in _device_types()
            if wanted in (None, t)]


def list_logical_devices(device_type=None):
    """``[LogicalDevice(name='/device:CPU:0', device_type='CPU'), ...]``, as above."""
    wanted = _check_type(device_type)
    return [LogicalDevice(f"/device:{t}:0", t) for t in _device_types() if wanted in (None, t)]


@contextlib.contextmanager
def device(device_name):
    """``with tf.device("CPU:0"):`` -- accepted and placement-free (TensorFlow's soft placement
    likewise runs on the CPU when the named device is missing)."""
    if device_name is not None and (not isinstance(device_name, str)
                                    or not _DEVICE_NAME.match(device_name)):
        raise ValueError("Expected a device name such as 'CPU:0', 'GPU:0' or "
                         f"'/job:localhost/replica:0/task:0/device:CPU:0'. Received: "
                         f"device_name={device_name!r}")
    yield
