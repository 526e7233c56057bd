"""Floor 4: layers, with Keras 3's names, arguments, defaults and weight layouts.

``Layer`` is the base (lazy ``build``, ``call``, ``weights``, ``get_config``); one
file per family holds the rest.
"""

from .activation import ELU, Activation, LeakyReLU, PReLU, ReLU, Softmax
from .conv_transpose import (Conv1DTranspose, Conv2DTranspose, Conv3DTranspose, Convolution1DTranspose,
                             Convolution2DTranspose, Convolution3DTranspose)
from .convolutional import BaseConv, Conv1D, Conv2D, Conv3D, Convolution1D, Convolution2D, Convolution3D
from .cropping import Cropping1D, Cropping2D, Cropping3D
from .depthwise_conv import DepthwiseConv1D, DepthwiseConv2D
from .dense import Dense
from .embedding import Embedding
from .flatten import Flatten
from .input_layer import Input, InputLayer
from .input_spec import InputSpec
from .keras_tensor import KerasTensor, Node
from .layer import Layer
from .layer_utils import DTypePolicy, reset_name_counters
from .merging import (Add, Average, Concatenate, Maximum, Minimum, Multiply, Subtract, add,
                      average, concatenate, maximum, minimum, multiply, subtract)
from . import op_node as _op_node  # noqa: F401  (installs the keras.ops symbolic handler)
from .normalization import BatchNormalization, LayerNormalization
from .pooling import (AveragePooling1D, AveragePooling2D, AvgPool1D, AvgPool2D,
                      GlobalAveragePooling1D, GlobalAveragePooling2D, GlobalAvgPool1D,
                      GlobalAvgPool2D, GlobalMaxPool1D, GlobalMaxPool2D, GlobalMaxPooling1D,
                      GlobalMaxPooling2D, MaxPool1D, MaxPool2D, MaxPooling1D, MaxPooling2D)
from .pooling import (AveragePooling3D, AvgPool3D, GlobalAveragePooling3D, GlobalAvgPool3D,
                      GlobalMaxPool3D, GlobalMaxPooling3D, MaxPool3D, MaxPooling3D)
from .regularization import (Dropout, GaussianDropout, GaussianNoise, SpatialDropout1D,
                             SpatialDropout2D)
from .reshape import Reshape
from .activity_regularization import ActivityRegularization
from .alpha_dropout import AlphaDropout
from .dot import Dot, dot
from .group_normalization import GroupNormalization
from .identity import Identity
from .lambda_layer import Lambda
from .masking import Masking
from .permute import Permute
from .regularization import SpatialDropout3D
from .repeat_vector import RepeatVector
from .rms_normalization import RMSNormalization
from .spectral_normalization import SpectralNormalization
from .unit_normalization import UnitNormalization
from .wrapper import Wrapper
from .separable_conv import (SeparableConv1D, SeparableConv2D, SeparableConvolution1D,
                             SeparableConvolution2D)
from .up_sampling import UpSampling1D, UpSampling2D, UpSampling3D
from .zero_padding import ZeroPadding1D, ZeroPadding2D, ZeroPadding3D

__all__ = [
    "Add", "Average", "Concatenate", "Maximum", "Minimum", "Multiply", "Subtract", "add",
    "average", "concatenate", "maximum", "minimum", "multiply", "subtract",
    "Activation", "AveragePooling1D", "AveragePooling2D", "AvgPool1D", "AvgPool2D", "BaseConv",
    "BatchNormalization", "Conv1D", "Conv2D", "Convolution1D", "Convolution2D", "DTypePolicy",
    "Dense", "Dropout", "ELU", "Embedding", "Flatten", "GaussianDropout", "GaussianNoise",
    "GlobalAveragePooling1D", "GlobalAveragePooling2D", "GlobalAvgPool1D", "GlobalAvgPool2D",
    "GlobalMaxPool1D", "GlobalMaxPool2D", "GlobalMaxPooling1D", "GlobalMaxPooling2D", "Input",
    "InputLayer", "InputSpec", "KerasTensor", "Layer", "LayerNormalization", "LeakyReLU",
    "MaxPool1D", "MaxPool2D", "MaxPooling1D", "MaxPooling2D", "Node", "PReLU", "ReLU", "Reshape",
    "Softmax", "SpatialDropout1D", "SpatialDropout2D", "reset_name_counters",
]
__all__ += [
    "ActivityRegularization", "AlphaDropout", "Dot", "dot", "GroupNormalization", "Identity",
    "Lambda", "Masking", "Permute", "SpatialDropout3D", "RepeatVector", "RMSNormalization",
    "SpectralNormalization", "UnitNormalization", "Wrapper",
    "AveragePooling3D", "AvgPool3D", "Conv1DTranspose", "Conv2DTranspose", "Conv3D", "Conv3DTranspose",
    "Convolution1DTranspose", "Convolution2DTranspose", "Convolution3D", "Convolution3DTranspose",
    "Cropping1D", "Cropping2D", "Cropping3D", "DepthwiseConv1D", "DepthwiseConv2D",
    "GlobalAveragePooling3D", "GlobalAvgPool3D", "GlobalMaxPool3D", "GlobalMaxPooling3D", "MaxPool3D",
    "MaxPooling3D", "SeparableConv1D", "SeparableConv2D", "SeparableConvolution1D",
    "SeparableConvolution2D", "UpSampling1D", "UpSampling2D", "UpSampling3D", "ZeroPadding1D",
    "ZeroPadding2D", "ZeroPadding3D",
]


def serialize(layer):
    """Keras 3's config dict of a layer (module, class_name, config, registered_name, build_config)."""
    from ..serialization import serialize_keras_object

    return serialize_keras_object(layer)


def deserialize(config, custom_objects=None):
    """A layer from ``serialize``'s dict; unknown or unregistered classes are refused."""
    from ..serialization import deserialize_keras_object

    return deserialize_keras_object(config, custom_objects=custom_objects)


from .rnn import (GRU, LSTM, RNN, GRUCell, LSTMCell, SimpleRNN, SimpleRNNCell,  # noqa: E402
                  StackedRNNCells)

__all__ += ["GRU", "GRUCell", "LSTM", "LSTMCell", "RNN", "SimpleRNN", "SimpleRNNCell",
            "StackedRNNCells"]

# issue 11, recurrent wrappers (branch rnn-wrappers)
from .rnn.bidirectional import Bidirectional  # noqa: E402
from .rnn.conv_lstm import ConvLSTM1D, ConvLSTM2D, ConvLSTM3D  # noqa: E402
from .rnn.time_distributed import TimeDistributed  # noqa: E402
__all__ += ["Bidirectional", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D", "TimeDistributed"]
from .preprocessing import IntegerLookup, StringLookup, TextVectorization  # noqa: E402
__all__ += ["IntegerLookup", "StringLookup", "TextVectorization"]
# issue 11, attention (branch attention)
from .einsum_dense import EinsumDense  # noqa: E402
from .attention import AdditiveAttention, Attention, MultiHeadAttention  # noqa: E402

__all__ += ["EinsumDense", "AdditiveAttention", "Attention", "MultiHeadAttention"]
# issue 12, image preprocessing layers (branch pre)
from .preprocessing import CenterCrop, Normalization, Rescaling, Resizing  # noqa: E402

__all__ += ["CenterCrop", "Normalization", "Rescaling", "Resizing"]
# issue 12, random image augmentation layers (branch aug)
from .preprocessing import (RandomBrightness, RandomContrast, RandomCrop,  # noqa: E402
                            RandomErasing, RandomFlip, RandomGrayscale, RandomRotation,
                            RandomTranslation, RandomZoom)

__all__ += ["RandomBrightness", "RandomContrast", "RandomCrop", "RandomErasing", "RandomFlip",
            "RandomGrayscale", "RandomRotation", "RandomTranslation", "RandomZoom"]

# issue 12, categorical preprocessing layers (branch enc)
from .preprocessing import CategoryEncoding, Discretization, Hashing  # noqa: E402

__all__ += ["CategoryEncoding", "Discretization", "Hashing"]
