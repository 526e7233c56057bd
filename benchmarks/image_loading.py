"""Images per second from a folder of PNG files: shenjing's loaders against PyTorch's.

Two folders, made once under ``--data-dir`` with ``shenjing.datasets.export_images``:
``small``: 10,000 Fashion-MNIST training images, 28x28 grayscale (1,000 per class);
``large``: 2,000 of them (200 per class) resized to 224x224 RGB with Pillow's bicubic filter.

Pipelines (batches of 32, shuffled, a full pass over the folder per timed epoch):

* ``flow_from_directory``: ``ImageDataGenerator(rotation_range=20, width_shift_range=0.2,
  height_shift_range=0.2, horizontal_flip=True, rescale=1/255)``, read the way ``fit`` reads a
  PyDataset (``iterator.workers`` = 1: in the calling thread; 2: two threads, or two
  processes with ``use_multiprocessing=True``, reading ahead);
  against PyTorch's ``DataLoader(num_workers=0|2)`` over torchvision's ``ImageFolder`` with
  ``RandomAffine(degrees=20, translate=(0.2, 0.2))``, ``RandomHorizontalFlip()``,
  ``ToTensor()``, with bilinear resampling as the generator's default ``interpolation_order=1``
  (torchvision fills the corners with 0 where Keras repeats the nearest pixel; the work is the
  same). On x86_64 the torchvision that installs beside torch 2.13's CPU
  build is missing (PyPI's fails to import), so ``pillow_folder.py`` does the same on PIL
  images, as torchvision does: the folder walk, the inverse affine matrix, ``Image.transform``
  with nearest resampling, the flip, the conversion to a float tensor.
* ``image_dataset_from_directory``: decode and resize (``interpolation="bilinear"``; the
  images already have the size, as in the torch pipeline with ``Resize`` + ``PILToTensor``),
  against ``ImageFolder`` + ``DataLoader`` with ``Resize`` and ``PILToTensor`` then ``float()``
  (float32 values 0..255 as ours). It decodes in one thread per usable core (as TF's
  ``AUTOTUNE``), so its ratio is printed against torch with as many workers.

Each cell is the median over ``--repeats`` epochs (pools are started inside each epoch, as
``fit`` and ``DataLoader`` do); the pipelines' epochs alternate so that a change in the
machine's load falls on all of them. ``--train-steps N`` also trains the image tutorial's CNN
(Conv2D 32 - pool - Conv2D 64 - pool - Flatten - Dense 128 - Dense 10, Adam 1e-3) on the
``large`` folder through ``flow_from_directory`` with ``fit`` and prints the share of each step
spent waiting for data. Not a test: nothing asserts on time.

    python benchmarks/image_loading.py [--data-dir /tmp/shenjing-image-bench] [--repeats 3]
                                       [--folders small,large] [--train-steps 30]
"""

import argparse
import os
import statistics
import sys
import time

FOLDERS = {"small": dict(per_class=1000, size=None, color="grayscale"),
           "large": dict(per_class=200, size=224, color="rgb")}
BATCH = 32


def make_folder(root, kind):
    """Export Fashion-MNIST (``mnist_sample`` if it is not available) into ``root/kind`` once."""
    from PIL import Image

    from shenjing import datasets

    target = os.path.join(root, kind)
    if os.path.isdir(target) and os.listdir(target):
        return target
    os.makedirs(root, exist_ok=True)
    spec = FOLDERS[kind]
    try:
        datasets.fashion_mnist.load_data(download=False)
        name = "fashion_mnist"
    except FileNotFoundError:
        name = "mnist_sample"
        print("Fashion-MNIST is not available offline; exporting mnist_sample (fewer images)")
    datasets.export_images(name, target, split="train", per_class=spec["per_class"])
    if spec["size"]:
        for folder, _, files in os.walk(target):
            for f in files:
                path = os.path.join(folder, f)
                image = Image.open(path).convert("RGB")
                image.resize((spec["size"],) * 2, Image.BICUBIC).save(path)
    return target


def count_images(folder):
    return sum(len(files) for _, _, files in os.walk(folder))


def _read_pydataset(iterator, workers, processes=False):
    """One pass over a PyDataset as ``fit`` reads it (models' PyDatasetAdapter)."""
    from shenjing.models.data_adapters.py_dataset_adapter import PyDatasetAdapter

    iterator.workers, iterator.use_multiprocessing = workers, processes
    adapter = PyDatasetAdapter(iterator)
    n = 0
    adapter.on_epoch_begin()
    for x, *_ in adapter.get_numpy_iterator():
        n += len(x)
    adapter.on_epoch_end()
    return n


def shenjing_pipelines(folder, spec):
    from shenjing.keras.utils import image_dataset_from_directory

    size = (spec["size"] or 28,) * 2

    def flow(workers, processes=False):
        def run():
            from shenjing.keras.preprocessing.image import ImageDataGenerator

            generator = ImageDataGenerator(rotation_range=20, width_shift_range=0.2,
                                           height_shift_range=0.2, horizontal_flip=True,
                                           rescale=1 / 255)
            iterator = generator.flow_from_directory(
                folder, target_size=size, color_mode=spec["color"], batch_size=BATCH,
                class_mode="sparse", seed=0)
            return _read_pydataset(iterator, workers, processes)
        return run

    def from_directory():
        ds = image_dataset_from_directory(folder, image_size=size, color_mode=spec["color"],
                                          batch_size=BATCH, seed=0, verbose=False)
        return sum(len(x) for x, _ in ds)

    from shenjing.keras.preprocessing.image import ImageDataGenerator

    # Load the compiled warp loop (about a second, once per process) before anything is timed.
    ImageDataGenerator(rotation_range=20).flow_from_directory(
        folder, target_size=size, color_mode=spec["color"], batch_size=2)[0]
    return {"flow_from_directory, workers=1": flow(1),
            "flow_from_directory, workers=2 (threads)": flow(2),
            "flow_from_directory, workers=2 (processes)": flow(2, processes=True),
            "image_dataset_from_directory": from_directory}  # a decode thread per core


def torchvision_or_pillow(spec):
    """``(ImageFolder, augment, plain)``: torchvision's where it imports, else the same with Pillow
    (``pillow_folder.py``: what torchvision's ImageFolder, RandomAffine, RandomHorizontalFlip,
    ToTensor and PILToTensor do on PIL images)."""
    size = (spec["size"] or 28,) * 2
    try:
        from torchvision import datasets as tv_datasets
        from torchvision import transforms as T
    except (ImportError, RuntimeError):  # a torchvision built for another torch fails with RuntimeError
        sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
        import pillow_folder as P

        augment = P.Compose([P.RandomAffine(20, (0.2, 0.2)), P.RandomHorizontalFlip(), P.ToTensor()])
        return "Pillow", P.ImageFolder, augment, P.Compose([P.Resize(size), P.PILToTensor()])
    augment = T.Compose([T.RandomAffine(degrees=20, translate=(0.2, 0.2),
                                        interpolation=T.InterpolationMode.BILINEAR),
                         T.RandomHorizontalFlip(), T.ToTensor()])
    plain = T.Compose([T.Resize(size), T.PILToTensor(), T.Lambda(lambda t: t.float())])
    return "torchvision", tv_datasets.ImageFolder, augment, plain


def torch_pipelines(folder, spec):
    import torch
    from PIL import Image

    mode = "L" if spec["color"] == "grayscale" else "RGB"

    def loader(path):
        with open(path, "rb") as f:
            return Image.open(f).convert(mode)

    source, image_folder, augment, plain = torchvision_or_pillow(spec)
    # One intra-op thread, as DataLoader gives its workers: with num_workers=0 torch's default
    # pool (a thread per core) spins on these small conversions and runs 10x slower here.
    torch.set_num_threads(1)

    def run(transform, workers):
        def epoch():
            data = image_folder(folder, transform=transform, loader=loader)
            batches = torch.utils.data.DataLoader(data, batch_size=BATCH, shuffle=True,
                                                  num_workers=workers)
            return sum(len(x) for x, _ in batches)
        return epoch

    print(f"torch side: DataLoader over {source}'s ImageFolder and transforms")
    return {"ImageFolder + RandomAffine/Flip, num_workers=0": run(augment, 0),
            "ImageFolder + RandomAffine/Flip, num_workers=2": run(augment, 2),
            "ImageFolder + Resize, num_workers=0": run(plain, 0),
            "ImageFolder + Resize, num_workers=2": run(plain, 2)}


def measure(pipelines, repeats):
    """Median images/s of each pipeline, their epochs alternating."""
    rates = {name: [] for name in pipelines}
    for _ in range(repeats):
        for name, epoch in pipelines.items():
            start = time.perf_counter()
            n = epoch()
            rates[name].append(n / (time.perf_counter() - start))
    return {name: statistics.median(r) for name, r in rates.items()}


def train_wait_share(folder, steps):
    """Share of each fit step spent between the end of one batch and the start of the next
    (fetching, augmenting and converting the next batch), training the image tutorial's CNN."""
    import shenjing.keras as keras
    from shenjing.keras.preprocessing.image import ImageDataGenerator

    class Clock(keras.callbacks.Callback):
        def __init__(self):
            super().__init__()
            self.wait, self.step, self.last_end = [], [], None

        def on_train_batch_begin(self, batch, logs=None):
            self.begin = time.perf_counter()
            if self.last_end is not None:
                self.wait.append(self.begin - self.last_end)

        def on_train_batch_end(self, batch, logs=None):
            self.last_end = time.perf_counter()
            self.step.append(self.last_end - self.begin)

    generator = ImageDataGenerator(rotation_range=20, width_shift_range=0.2, height_shift_range=0.2,
                                   horizontal_flip=True, rescale=1 / 255)
    model = keras.Sequential([
        keras.Input((224, 224, 3)),
        keras.layers.Conv2D(32, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Conv2D(64, 3, activation="relu"), keras.layers.MaxPooling2D(2),
        keras.layers.Flatten(), keras.layers.Dense(128, activation="relu"),
        keras.layers.Dense(10, activation="softmax")])
    model.compile(optimizer=keras.optimizers.Adam(learning_rate=0.001),
                  loss="sparse_categorical_crossentropy", metrics=["accuracy"])
    out = {}
    for workers in (1, 2):
        iterator = generator.flow_from_directory(folder, target_size=(224, 224), batch_size=BATCH,
                                                 class_mode="sparse", seed=0)
        iterator.workers = workers
        clock = Clock()
        model.fit(iterator, steps_per_epoch=steps, epochs=1, verbose=0, callbacks=[clock])
        wait, step = sum(clock.wait[1:]), sum(clock.step[1:])  # the first step compiles/warms
        out[workers] = (wait / (wait + step), (wait + step) / max(len(clock.step) - 1, 1))
    return out


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--data-dir", default="/tmp/shenjing-image-bench")
    p.add_argument("--folders", default="small,large")
    p.add_argument("--repeats", type=int, default=3)
    p.add_argument("--train-steps", type=int, default=0)
    args = p.parse_args()
    print(f"OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE')!r} cores={os.cpu_count()}")
    for kind in args.folders.split(","):
        spec = FOLDERS[kind]
        folder = make_folder(args.data_dir, kind)
        pipelines = shenjing_pipelines(folder, spec)
        try:
            pipelines.update(torch_pipelines(folder, spec))
        except ImportError as error:
            print(f"torch/torchvision not installed ({error}); shenjing rows only")
        rates = measure(pipelines, args.repeats)
        size = spec["size"] or 28
        print(f"\n{kind}: {count_images(folder)} PNG images, {size}x{size} {spec['color']}, "
              f"median of {args.repeats} epochs")
        for name, rate in rates.items():
            print(f"  {name:50s} {rate:9.0f} images/s")
        augmented = "ImageFolder + RandomAffine/Flip, num_workers="
        pairs = [("flow_from_directory, workers=1", augmented + "0"),
                 ("flow_from_directory, workers=2 (threads)", augmented + "2"),
                 ("flow_from_directory, workers=2 (processes)", augmented + "2"),
                 ("image_dataset_from_directory", "ImageFolder + Resize, num_workers=2")]
        for ours, theirs in pairs:
            if theirs in rates:
                print(f"  ratio {ours} / {theirs}: {rates[ours] / rates[theirs]:.2f}")
    if args.train_steps:
        folder = make_folder(args.data_dir, "large")
        for workers, (share, step) in train_wait_share(folder, args.train_steps).items():
            print(f"\nimage tutorial CNN on 224x224x3, workers={workers}: "
                  f"{step * 1000:.0f} ms/step, {share:.1%} of it waiting for data")


if __name__ == "__main__":
    main()
