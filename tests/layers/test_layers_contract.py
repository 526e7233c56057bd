"""Every layer through the harness: shapes, weight counts, config round trip, a training step."""

import pytest

from layer_harness import run_contract_case, run_layer_test
from test_conv_family import CASES as CONV_FAMILY_CASES
from test_image_augmentation import CASES as AUGMENTATION_CASES
from test_encoding_layers import CASES as ENCODING_CASES
from test_image_preprocessing_layers import CASES as IMAGE_CASES
from test_rnn_contract import CASES as RNN_CASES, CELL_CASES as RNN_CELL_CASES
from shenjing import layers

CASES = [
    # (class, kwargs, input shape, output shape, trainable, non-trainable, input dtype, training)
    (layers.Dense, {"units": 3}, (2, 4), (2, 3), 2, 0),
    (layers.Dense, {"units": 3, "use_bias": False, "activation": "tanh"}, (2, 5, 4), (2, 5, 3), 1, 0),
    (layers.Dense, {"units": 2, "kernel_regularizer": "l2", "bias_regularizer": {
        "class_name": "L1", "config": {"l1": 0.1}}}, (3, 4), (3, 2), 2, 0),
    (layers.Activation, {"activation": "relu"}, (2, 3), (2, 3), 0, 0),
    (layers.Flatten, {}, (2, 3, 4, 5), (2, 60), 0, 0),
    (layers.Flatten, {}, (2,), (2, 1), 0, 0),
    (layers.Reshape, {"target_shape": (2, -1)}, (3, 4, 3), (3, 2, 6), 0, 0),
    (layers.Conv1D, {"filters": 4, "kernel_size": 3}, (2, 9, 3), (2, 7, 4), 2, 0),
    (layers.Conv1D, {"filters": 2, "kernel_size": 3, "padding": "causal", "dilation_rate": 2},
     (2, 8, 3), (2, 8, 2), 2, 0),
    (layers.Conv2D, {"filters": 4, "kernel_size": 3}, (2, 7, 6, 3), (2, 5, 4, 4), 2, 0),
    (layers.Conv2D, {"filters": 2, "kernel_size": (3, 2), "strides": 2, "padding": "same",
                     "use_bias": False}, (2, 7, 6, 3), (2, 4, 3, 2), 1, 0),
    (layers.MaxPooling1D, {}, (2, 9, 3), (2, 4, 3), 0, 0),
    (layers.MaxPooling2D, {"pool_size": 3, "strides": 2, "padding": "same"}, (2, 7, 6, 3),
     (2, 4, 3, 3), 0, 0),
    (layers.AveragePooling1D, {"pool_size": 3, "strides": 1}, (2, 9, 3), (2, 7, 3), 0, 0),
    (layers.AveragePooling2D, {}, (2, 7, 6, 3), (2, 3, 3, 3), 0, 0),
    (layers.GlobalAveragePooling1D, {}, (2, 9, 3), (2, 3), 0, 0),
    (layers.GlobalAveragePooling2D, {"keepdims": True}, (2, 5, 4, 3), (2, 1, 1, 3), 0, 0),
    (layers.GlobalMaxPooling1D, {}, (2, 9, 3), (2, 3), 0, 0),
    (layers.GlobalMaxPooling2D, {}, (2, 5, 4, 3), (2, 3), 0, 0),
    (layers.Dropout, {"rate": 0.5}, (4, 6), (4, 6), 0, 0),
    (layers.Dropout, {"rate": 0.3, "noise_shape": (None, 1), "seed": 3}, (4, 6), (4, 6), 0, 0),
    (layers.SpatialDropout1D, {"rate": 0.5}, (2, 5, 3), (2, 5, 3), 0, 0),
    (layers.SpatialDropout2D, {"rate": 0.5}, (2, 5, 4, 3), (2, 5, 4, 3), 0, 0),
    (layers.GaussianNoise, {"stddev": 0.1}, (4, 6), (4, 6), 0, 0),
    (layers.GaussianDropout, {"rate": 0.2}, (4, 6), (4, 6), 0, 0),
    (layers.BatchNormalization, {}, (8, 3), (8, 3), 2, 2),
    (layers.BatchNormalization, {"axis": 1, "center": False}, (4, 3, 5), (4, 3, 5), 1, 2),
    (layers.BatchNormalization, {"momentum": 0.9}, (4, 5, 5, 2), (4, 5, 5, 2), 2, 2),
    (layers.LayerNormalization, {}, (4, 6), (4, 6), 2, 0),
    (layers.LayerNormalization, {"axis": [1, 2]}, (2, 3, 4), (2, 3, 4), 2, 0),
    (layers.LayerNormalization, {"rms_scaling": True}, (2, 3, 4), (2, 3, 4), 1, 0),
    (layers.ReLU, {"max_value": 1.0}, (2, 3), (2, 3), 0, 0),
    (layers.LeakyReLU, {}, (2, 3), (2, 3), 0, 0),
    (layers.Softmax, {"axis": 1}, (2, 3, 4), (2, 3, 4), 0, 0),
    (layers.ELU, {"alpha": 0.5}, (2, 3), (2, 3), 0, 0),
    (layers.PReLU, {"shared_axes": [1]}, (2, 3, 4), (2, 3, 4), 1, 0),
    (layers.Permute, {"dims": (2, 1)}, (2, 3, 4), (2, 4, 3), 0, 0),
    (layers.RepeatVector, {"n": 3}, (2, 4), (2, 3, 4), 0, 0),
    (layers.Masking, {"mask_value": 0.5}, (2, 3, 4), (2, 3, 4), 0, 0),
    (layers.Identity, {}, (2, 3), (2, 3), 0, 0),
    (layers.ActivityRegularization, {"l1": 0.1, "l2": 0.01}, (2, 3), (2, 3), 0, 0),
    (layers.AlphaDropout, {"rate": 0.2}, (4, 6), (4, 6), 0, 0),
    (layers.SpatialDropout3D, {"rate": 0.5}, (2, 3, 3, 2, 3), (2, 3, 3, 2, 3), 0, 0),
    (layers.GroupNormalization, {"groups": 2}, (2, 5, 4), (2, 5, 4), 2, 0),
    (layers.GroupNormalization, {"groups": -1, "center": False, "axis": 1}, (2, 3, 4), (2, 3, 4), 1, 0),
    (layers.UnitNormalization, {"axis": [1, 2]}, (2, 3, 4), (2, 3, 4), 0, 0),
    (layers.RMSNormalization, {}, (2, 3, 4), (2, 3, 4), 1, 0),
    (layers.BatchNormalization, {"renorm": True, "renorm_clipping": {"rmax": 2.0, "dmax": 1.0}},
     (6, 4), (6, 4), 2, 5),
    (layers.Dense, {"units": 3, "kernel_constraint": "max_norm", "bias_constraint": "non_neg"},
     (2, 4), (2, 3), 2, 0),
]


@pytest.mark.parametrize("case", CASES, ids=lambda c: c[0].__name__)
def test_layer_contract(case):
    run_contract_case(case)


def test_embedding_contract():
    run_layer_test(layers.Embedding, {"input_dim": 5, "output_dim": 3}, input_shape=(2, 4),
                   input_dtype="int64", expected_output_shape=(2, 4, 3),
                   expected_num_trainable_weights=1)


def test_every_exported_layer_class_is_covered():
    covered = {case[0] for case in CASES} | {layers.Embedding}
    covered |= {case[0] for case in CONV_FAMILY_CASES}  # test_conv_family.py runs them through the harness
    # Merge layers take a list of inputs: test_layers_merging.py covers them.
    covered |= {layers.Add, layers.Subtract, layers.Multiply, layers.Average, layers.Maximum,
                layers.Minimum, layers.Concatenate}
    # Dot (a list of inputs), Lambda (a function), Wrapper and SpectralNormalization (a layer
    # argument): test_misc_layers.py covers them.
    covered |= {layers.Dot, layers.Lambda, layers.Wrapper, layers.SpectralNormalization}
    # Recurrent wrappers and ConvLSTM (a layer argument, a cell): test_rnn_wrappers.py covers them.
    covered |= {getattr(layers, n) for n in ("TimeDistributed", "Bidirectional", "ConvLSTM1D",
                                             "ConvLSTM2D", "ConvLSTM3D") if hasattr(layers, n)}
    covered |= {case[0] for case in RNN_CASES + RNN_CELL_CASES}  # test_rnn_contract.py
    # String/integer lookups and TextVectorization (string inputs, no weights):
    # test_text_layers.py runs them through the harness.
    covered |= {layers.StringLookup, layers.IntegerLookup, layers.TextVectorization}
    # EinsumDense and the attention layers (several inputs): test_attention_layers.py.
    covered |= {layers.EinsumDense, layers.Attention, layers.AdditiveAttention,
                layers.MultiHeadAttention}
    covered |= {case[0] for case in IMAGE_CASES}  # test_image_preprocessing_layers.py
    covered |= {case[0] for case in AUGMENTATION_CASES}  # test_image_augmentation.py
    covered |= {case[0] for case in ENCODING_CASES}  # test_encoding_layers.py
    exported = {getattr(layers, n) for n in layers.__all__}
    layer_classes = {c for c in exported if isinstance(c, type) and issubclass(c, layers.Layer)}
    assert layer_classes - covered == {layers.Layer, layers.BaseConv, layers.InputLayer}
