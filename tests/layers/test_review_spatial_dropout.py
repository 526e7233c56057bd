"""SpatialDropout2D/3D accept data_format="channels_first" (as Keras) and then drop whole
(sample, channel) maps along axis 1."""

import numpy as np
import pytest

import shenjing.keras as keras
from shenjing.keras import layers


@pytest.mark.parametrize("cls, shape", [(layers.SpatialDropout2D, (4, 6, 3, 3)),
                                        (layers.SpatialDropout3D, (4, 6, 2, 2, 2))])
def test_channels_first_spatial_dropout_drops_whole_maps(tmp_path, cls, shape):
    layer = cls(0.5, data_format="channels_first", seed=1)
    x = np.ones(shape, "float32")
    y = layer(x, training=True).numpy()
    per_map = y.reshape(shape[0], shape[1], -1)
    # every (sample, channel) map is all zeros or all 1 / (1 - rate)
    assert np.all((per_map == 0).all(-1) | np.isclose(per_map, 2.0).all(-1))
    assert 0 < (per_map == 0).all(-1).sum() < shape[0] * shape[1]
    np.testing.assert_array_equal(layer(x, training=False).numpy(), x)
    assert layer.get_config()["data_format"] == "channels_first"
    model = keras.Sequential([keras.Input(shape[1:]), layer])
    model.save(str(tmp_path / "m.keras"))
    loaded = keras.models.load_model(str(tmp_path / "m.keras"))
    assert loaded.layers[0].data_format == "channels_first"
