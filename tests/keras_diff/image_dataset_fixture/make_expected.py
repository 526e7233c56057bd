"""Writes expected.npz: Keras 3's ``image_dataset_from_directory`` outputs on the small image
tree that ``write_images`` makes. Keras's loader needs TensorFlow (tf.data, tf.image), which the
test environment lacks, so the values are computed once here, in a venv with tensorflow:

    /tmp/kio/venv/bin/python tests/keras_diff/image_dataset_fixture/make_expected.py
"""

import os
import sys
import tempfile

import numpy as np

# name -> (height, width) keyword arguments of image_dataset_from_directory, shuffle=False
CASES = {
    "rgb_bilinear": dict(image_size=(4, 5)),
    "rgb_up_bilinear": dict(image_size=(9, 11)),
    "rgba_nearest": dict(image_size=(5, 4), color_mode="rgba", interpolation="nearest"),
    "gray_bicubic": dict(image_size=(6, 6), color_mode="grayscale", interpolation="bicubic"),
    "crop_bilinear": dict(image_size=(5, 5), crop_to_aspect_ratio=True),
    "pad_bilinear": dict(image_size=(5, 5), pad_to_aspect_ratio=True),
    "lanczos3_first": dict(image_size=(4, 6), interpolation="lanczos3",
                           data_format="channels_first"),
    "categorical": dict(image_size=(3, 3), label_mode="categorical"),
}
SPLIT = dict(image_size=(3, 3), validation_split=0.4, seed=7, subset="both", batch_size=2)


def write_images(root):
    """Two classes of small PNG images of different sizes and modes (L, RGB, RGBA, P)."""
    from PIL import Image
    rng = np.random.RandomState(1234)
    shapes = [(6, 8), (7, 5), (8, 8), (5, 9), (6, 6)]
    modes = ["RGB", "L", "RGBA", "RGB", "P"]
    for c, cls in enumerate(("apples", "pears")):
        os.makedirs(os.path.join(root, cls))
        for i, ((h, w), mode) in enumerate(zip(shapes, modes)):
            channels = {"L": 1, "RGB": 3, "RGBA": 4, "P": 3}[mode]
            pixels = rng.randint(0, 256, (h, w, channels)).astype("uint8")
            if mode == "L":
                img = Image.fromarray(pixels[:, :, 0], "L")
            elif mode == "P":
                # 40 colours: an 8-bit palette (TF decodes 4-bit ones to RGBA with alpha 15)
                img = Image.fromarray(pixels, "RGB").quantize(colors=40)
            else:
                img = Image.fromarray(pixels, mode)
            ext = ".PNG" if (c + i) == 3 else ".png"  # (TF cannot decode BMP to 1 channel)
            img.save(os.path.join(root, cls, f"{cls}{i}{ext}"))
        with open(os.path.join(root, cls, "notes.txt"), "w") as handle:
            handle.write("not an image")


def _collect(ds):
    xs, ys = [], []
    for batch in ds:
        x, y = batch
        xs.append(np.asarray(x))
        ys.append(np.asarray(y))
    return np.concatenate(xs), np.concatenate(ys)


def main():
    os.environ.setdefault("KERAS_BACKEND", "tensorflow")
    import keras
    out = {}
    with tempfile.TemporaryDirectory() as root:
        write_images(root)
        for name, kwargs in CASES.items():
            ds = keras.utils.image_dataset_from_directory(root, shuffle=False, batch_size=4,
                                                          **kwargs)
            x, y = _collect(ds)
            out[name + "/x"], out[name + "/y"] = x, y
            out[name + "/paths"] = np.array([os.path.relpath(p, root) for p in ds.file_paths])
        train, val = keras.utils.image_dataset_from_directory(root, **SPLIT)
        out["split/train_paths"] = np.array([os.path.relpath(p, root) for p in train.file_paths])
        out["split/val_paths"] = np.array([os.path.relpath(p, root) for p in val.file_paths])
        out["split/val_x"], out["split/val_y"] = _collect(val)
    np.savez_compressed(os.path.join(os.path.dirname(os.path.abspath(__file__)), "expected.npz"),
                        **out)
    print(keras.__version__, sorted(out))


if __name__ == "__main__":
    sys.exit(main())
