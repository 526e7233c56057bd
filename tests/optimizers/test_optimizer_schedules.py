"""Learning-rate schedules: values at several steps, computed here from Keras 3's formulas."""

import json
import math

import numpy as np
import pytest

from shenjing.optimizers import schedules

STEPS = [0, 1, 5, 10, 15, 20, 30, 100]


def test_exponential_decay():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5)
    for step in STEPS:
        assert s(step) == pytest.approx(0.1 * 0.5 ** (step / 10), rel=1e-12)


def test_exponential_decay_staircase():
    s = schedules.ExponentialDecay(0.1, decay_steps=10, decay_rate=0.5, staircase=True)
    assert [s(k) for k in (0, 9, 10, 19, 20, 35)] == pytest.approx(
        [0.1, 0.1, 0.05, 0.05, 0.025, 0.0125])


def test_piecewise_constant_boundaries_inclusive_below():
    s = schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5, 0.1])
    assert [s(k) for k in (0, 10, 11, 20, 21, 1000)] == [1.0, 1.0, 0.5, 0.5, 0.1, 0.1]
    assert s(np.int64(15)) == 0.5


def test_piecewise_constant_length_check():
    with pytest.raises(ValueError, match="1 less than"):
        schedules.PiecewiseConstantDecay([10, 20], [1.0, 0.5])


def test_inverse_time_decay():
    s = schedules.InverseTimeDecay(0.1, decay_steps=5, decay_rate=0.5)
    for step in STEPS:
        assert s(step) == pytest.approx(0.1 / (1 + 0.5 * step / 5), rel=1e-12)
    st = schedules.InverseTimeDecay(0.1, decay_steps=5, decay_rate=0.5, staircase=True)
    for step in STEPS:
        assert st(step) == pytest.approx(0.1 / (1 + 0.5 * (step // 5)), rel=1e-12)


def test_polynomial_decay():
    s = schedules.PolynomialDecay(0.1, decay_steps=20, end_learning_rate=0.01, power=2.0)
    for step in STEPS:
        p = min(step, 20) / 20
        assert s(step) == pytest.approx((0.1 - 0.01) * (1 - p) ** 2 + 0.01, rel=1e-12)


def test_polynomial_decay_cycle():
    s = schedules.PolynomialDecay(0.1, decay_steps=10, end_learning_rate=0.0, cycle=True)
    assert s(0) == pytest.approx(0.1)
    assert s(5) == pytest.approx(0.05)
    assert s(10) == pytest.approx(0.0)
    assert s(15) == pytest.approx(0.1 * (1 - 15 / 20))


def test_cosine_decay():
    s = schedules.CosineDecay(0.1, decay_steps=20, alpha=0.1)
    for step in STEPS:
        k = min(step, 20)
        cos = 0.5 * (1 + math.cos(math.pi * k / 20))
        assert s(step) == pytest.approx(0.1 * ((1 - 0.1) * cos + 0.1), rel=1e-12)


def test_cosine_decay_warmup():
    s = schedules.CosineDecay(0.0, decay_steps=20, warmup_target=1.0, warmup_steps=10)
    assert [s(k) for k in (0, 1, 5, 9)] == pytest.approx([0.0, 0.1, 0.5, 0.9])
    assert s(10) == pytest.approx(1.0)
    assert s(20) == pytest.approx(0.5)
    assert s(30) == pytest.approx(0.0, abs=1e-15)
    assert s(100) == pytest.approx(0.0, abs=1e-15)
    s2 = schedules.CosineDecay(0.2, decay_steps=10, warmup_target=1.0, warmup_steps=4)
    assert s2(2) == pytest.approx(0.2 + 0.8 * 2 / 4)


def test_cosine_decay_restarts():
    s = schedules.CosineDecayRestarts(1.0, first_decay_steps=10, t_mul=2.0, m_mul=0.5, alpha=0.0)
    # first period: steps 0..10 decay from 1 to 0; second period (length 20) starts at 0.5
    assert s(0) == pytest.approx(1.0)
    assert s(5) == pytest.approx(0.5)
    assert s(10) == pytest.approx(0.5)           # restart: m_mul ** 1
    assert s(20) == pytest.approx(0.25)          # halfway through the 20-step period
    assert s(30) == pytest.approx(0.25)          # next restart: m_mul ** 2
    flat = schedules.CosineDecayRestarts(1.0, 10, t_mul=1.0)
    assert flat(15) == pytest.approx(0.5)
    assert flat(25) == pytest.approx(0.5)


@pytest.mark.parametrize("sched", [
    schedules.ExponentialDecay(0.1, 10, 0.9, staircase=True),
    schedules.PiecewiseConstantDecay([3, 7], [0.3, 0.2, 0.1]),
    schedules.PolynomialDecay(0.1, 100, power=0.5, cycle=True),
    schedules.InverseTimeDecay(0.1, 10, 0.5),
    schedules.CosineDecay(0.0, 50, alpha=0.1, warmup_target=0.2, warmup_steps=5),
    schedules.CosineDecayRestarts(0.1, 20, t_mul=1.5, m_mul=0.9, alpha=0.01),
])
def test_schedule_serialize_round_trip(sched):
    data = json.loads(json.dumps(schedules.serialize(sched)))
    assert data["module"] == "keras.optimizers.schedules"
    assert data["class_name"] == type(sched).__name__
    again = schedules.deserialize(data)
    assert again.get_config() == sched.get_config()
    for step in (0, 3, 8, 60):
        assert again(step) == pytest.approx(sched(step))


def test_decay_steps_must_be_positive():
    with pytest.raises(ValueError, match="decay_steps=0"):
        schedules.ExponentialDecay(0.1, 0, 0.9)
    with pytest.raises(ValueError, match="first_decay_steps"):
        schedules.CosineDecayRestarts(0.1, -1)


def test_unknown_schedule_name():
    with pytest.raises(ValueError, match="Unknown learning rate schedule"):
        schedules.deserialize({"class_name": "Nope", "config": {}})


def test_custom_schedule_subclass():
    class Halving(schedules.LearningRateSchedule):
        def __init__(self, lr):
            self.lr = lr

        def __call__(self, step):
            return self.lr / (step + 1)

        def get_config(self):
            return {"lr": self.lr}

    data = schedules.serialize(Halving(1.0))
    assert data["registered_name"] == "Halving"
    again = schedules.deserialize(data, custom_objects={"Halving": Halving})
    assert again(1) == 0.5
    with pytest.raises(NotImplementedError):
        schedules.LearningRateSchedule()(0)
