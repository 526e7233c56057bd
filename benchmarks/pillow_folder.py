"""What torchvision's ``ImageFolder`` and the transforms ``image_loading.py`` uses do on PIL
images, written with Pillow and torch alone, for machines where torchvision does not install
beside the benchmark's torch (on x86_64 PyPI's torchvision needs torch's CUDA build).

Each piece follows torchvision 0.2x's code path for PIL images: ``ImageFolder`` (sorted class
folders, sorted walk, the loader then the transform), ``RandomAffine`` (angle ~ U(-d, d),
translation ``round(U(-t*size, t*size))`` pixels, the inverse affine matrix about the image
centre, ``Image.transform(AFFINE, NEAREST, fillcolor=0)``), ``RandomHorizontalFlip``,
``ToTensor`` (HWC uint8 -> CHW float / 255), ``Resize`` (bilinear; none when the size is already
right) and ``PILToTensor`` (CHW, then float32 as our loader gives). ``RandomAffine`` resamples
bilinearly here (torchvision's default is nearest) to do the work ``ImageDataGenerator``'s
default ``interpolation_order=1`` does.
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
    """Rotation by U(-degrees, degrees) and translation, corners filled with 0 (torchvision's
    ``RandomAffine(degrees, translate, interpolation=BILINEAR)``)."""

    def __init__(self, degrees, translate, resample=Image.BILINEAR):
        self.degrees, self.translate, self.resample = degrees, translate, resample

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
        return image.transform(image.size, Image.AFFINE, m, self.resample, fillcolor=0)


class RandomHorizontalFlip:
    def __call__(self, image):
        return image.transpose(Image.FLIP_LEFT_RIGHT) if random.random() < 0.5 else image


class Resize:
    def __init__(self, size):
        self.size = tuple(size)

    def __call__(self, image):
        height, width = self.size
        if image.size == (width, height):
            return image
        return image.resize((width, height), Image.BILINEAR)


def _hwc(image):
    array = np.array(image, copy=True)  # as torchvision: one copy of the PIL buffer
    return torch.from_numpy(array[:, :, None] if array.ndim == 2 else array)


class ToTensor:
    """CHW float in [0, 1]: the permuted view made contiguous, then divided (torchvision)."""

    def __call__(self, image):
        return _hwc(image).permute(2, 0, 1).contiguous().float().div(255)


class PILToTensor:
    """CHW uint8 (a permuted view, as torchvision), then float32 values 0..255 as shenjing's
    ``image_dataset_from_directory`` gives."""

    def __call__(self, image):
        return _hwc(image).permute(2, 0, 1).float()
