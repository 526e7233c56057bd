"""EpochIterator: steps_per_epoch, running out of data, learnt lengths, the rank/world slice."""

import numpy as np
import pytest

from shenjing.models.epoch_iterator import EpochIterator


def _first_values(iterator):
    return [int(np.asarray(data).ravel()[0]) for _, data in iterator.enumerate_epoch()]


def test_one_pass_per_epoch_without_steps():
    x = np.arange(10, dtype="float32")[:, None]
    it = EpochIterator(x, batch_size=4)
    assert it.num_batches == 3
    assert [step for step, _ in it] == [0, 1, 2]
    assert _first_values(it) == [0, 4, 8]


def test_steps_per_epoch_continues_the_pass_then_restarts_with_a_warning():
    x = np.arange(10, dtype="float32")[:, None]
    it = EpochIterator(x, batch_size=2, steps_per_epoch=3)  # 5 batches per pass
    assert it.num_batches == 3
    assert _first_values(it) == [0, 2, 4]
    with pytest.warns(UserWarning, match="Your input ran out of data"):
        assert _first_values(it) == [6, 8]
    assert it.interrupted
    assert _first_values(it) == [0, 2, 4]


def test_endless_generator_is_never_restarted():
    def endless():
        i = 0
        while True:
            yield np.array([[i]], "float32")
            i += 1

    it = EpochIterator(endless(), steps_per_epoch=2)
    assert it.num_batches == 2
    assert [_first_values(it) for _ in range(3)] == [[0, 1], [2, 3], [4, 5]]


def test_unknown_length_is_learnt_after_the_first_pass():
    class Reiterable:
        def __iter__(self):
            return iter([np.zeros((2, 1), "float32")] * 3)

    it = EpochIterator(Reiterable())
    assert it.num_batches is None
    assert len(_first_values(it)) == 3
    assert it.num_batches == 3
    assert len(_first_values(it)) == 3


def test_one_shot_generator_is_exhausted_in_the_second_epoch():
    it = EpochIterator(iter([np.zeros((1, 1))] * 2))
    assert len(_first_values(it)) == 2 and not it.exhausted
    assert _first_values(it) == [] and it.exhausted


@pytest.mark.parametrize("world", [1, 2, 3])
def test_rank_world_slices_cover_every_batch_once(world):
    x = np.arange(14, dtype="float32")[:, None]
    seen = []
    for rank in range(world):
        it = EpochIterator(x, batch_size=2, rank=rank, world=world)
        values = _first_values(it)
        assert it.num_batches == len(range(rank, 7, world)) == len(values)
        assert values == [2 * b for b in range(rank, 7, world)]
        seen += values
    assert sorted(seen) == list(range(0, 14, 2))


def test_rank_world_with_a_generator_and_steps():
    it = EpochIterator((np.array([[i]], "float32") for i in range(100)), steps_per_epoch=3, rank=1, world=4)
    assert _first_values(it) == [1, 5, 9]
    assert _first_values(it) == [13, 17, 21]


def test_epoch_hooks_called_around_each_epoch_even_when_left_early():
    from shenjing.keras.utils import PyDataset

    class Data(PyDataset):
        def __init__(self):
            super().__init__()
            self.events = []

        def __len__(self):
            return 4

        def __getitem__(self, i):
            return np.full((1, 1), i, "float32")

        def on_epoch_begin(self):
            self.events.append("begin")

        def on_epoch_end(self):
            self.events.append("end")

    data = Data()
    it = EpochIterator(data)
    epoch = it.enumerate_epoch()
    next(epoch)
    epoch.close()
    _first_values(it)
    assert data.events == ["begin", "end", "begin", "end"]


@pytest.mark.parametrize("kwargs, match", [
    ({"steps_per_epoch": 0}, "steps_per_epoch"), ({"steps_per_epoch": -2}, "steps_per_epoch"),
    ({"steps_per_epoch": 1.5}, "steps_per_epoch"), ({"world": 0}, "world"), ({"rank": 2, "world": 2}, "rank"),
])
def test_bad_arguments(kwargs, match):
    with pytest.raises(ValueError, match=match):
        EpochIterator(np.zeros((4, 1)), **kwargs)
