"""What torchvision's ``ImageFolder`` and the transforms ``image_loading.py`` uses do on PIL
images, written with Pillow and torch alone, for machines where torchvision does not install
beside the benchmark's torch (on x86_64 PyPI's torchvision needs torch's CUDA build).

Each piece follows torchvision 0.2x's code path for PIL images: ``ImageFolder`` (sorted class
folders, sorted walk, the loader then the transform), ``RandomAffine`` (angle ~ U(-d, d),
translation ``round(U(-t*size, t*size))`` pixels, the inverse affine matrix about the image
centre, ``Image.transform(AFFINE, NEAREST, fillcolor=0)``), ``RandomHorizontalFlip``,
``ToTensor`` (HWC uint8 -> CHW float / 255), ``Resize`` (bilinear; none when the size is already
right) and ``PILToTensor`` (CHW, then float32 as our loader gives).
"""

import math
import os
import random

import numpy as np
import torch
from PIL import Image

EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


class ImageFolder(torch.utils.data.Dataset):
    def __init__(self, root, transform=None, loader=None):
        self.classes = sorted(e.name for e in os.scandir(root) if e.is_dir())
        self.samples = []
        for index, name in enumerate(self.classes):
            for folder, _, files in sorted(os.walk(os.path.join(root, name), followlinks=True)):
                self.samples += [(os.path.join(folder, f), index) for f in sorted(files)
                                 if f.lower().endswith(EXTENSIONS)]
        self.transform, self.loader = transform, loader

    def __len__(self):
        return len(self.samples)

    def __getitem__(self, index):
        path, target = self.samples[index]
        image = self.loader(path)
        return (self.transform(image) if self.transform else image), target


class Compose:
    def __init__(self, transforms):
        self.transforms = transforms

    def __call__(self, image):
        for t in self.transforms:
            image = t(image)
        return image


class RandomAffine:
    """Rotation by U(-degrees, degrees) and translation, nearest resampling, corners filled with 0."""

    def __init__(self, degrees, translate):
        self.degrees, self.translate = degrees, translate

    def __call__(self, image):
        width, height = image.size
        angle = random.uniform(-self.degrees, self.degrees)
        tx = round(random.uniform(-self.translate[0] * width, self.translate[0] * width))
        ty = round(random.uniform(-self.translate[1] * height, self.translate[1] * height))
        cx, cy = width * 0.5, height * 0.5
        rot = math.radians(angle)
        m = [math.cos(rot), math.sin(rot), 0.0, -math.sin(rot), math.cos(rot), 0.0]
        m[2] += m[0] * (-cx - tx) + m[1] * (-cy - ty) + cx
        m[5] += m[3] * (-cx - tx) + m[4] * (-cy - ty) + cy
        return image.transform(image.size, Image.AFFINE, m, Image.NEAREST, fillcolor=0)


class RandomHorizontalFlip:
    def __call__(self, image):
        return image.transpose(Image.FLIP_LEFT_RIGHT) if random.random() < 0.5 else image


class Resize:
    def __init__(self, size):
        self.size = tuple(size)

    def __call__(self, image):
        height, width = self.size
        return image if image.size == (width, height) else image.resize((width, height), Image.BILINEAR)


def _chw(image):
    array = np.asarray(image)
    array = array[:, :, None] if array.ndim == 2 else array
    return torch.from_numpy(array.copy()).permute(2, 0, 1).contiguous()


class ToTensor:
    def __call__(self, image):
        return _chw(image).float().div(255)


class PILToTensor:
    def __call__(self, image):
        return _chw(image).float()
