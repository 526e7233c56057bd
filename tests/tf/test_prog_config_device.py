"""tf.config's device queries and tf.device (TF tutorials print them before training)."""

import pytest

import shenjing as tf


def test_list_physical_devices_reports_the_host():
    cpus = tf.config.list_physical_devices("CPU")
    assert cpus == [tf.config.PhysicalDevice("/physical_device:CPU:0", "CPU")]
    assert tf.config.list_physical_devices("GPU") == []  # NumPy runs on the host
    assert tf.config.list_physical_devices() == cpus
    assert tf.config.list_logical_devices("cpu")[0].name == "/device:CPU:0"
    with pytest.raises(ValueError, match="device_type"):
        tf.config.list_physical_devices(0)


def test_device_scope_and_tensor_device():
    with tf.device("CPU:0"):
        x = tf.random.uniform([2, 2])
    assert x.device.endswith("CPU:0")
    with tf.device("/job:localhost/replica:0/task:0/device:CPU:0"):
        pass
    with pytest.raises(ValueError, match="device name"):
        with tf.device("my gpu"):
            pass
