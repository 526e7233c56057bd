"""Every reader of untrusted files, fuzzed: a load succeeds or raises FormatError, within caps.

Each load runs in a child process (``fuzz_worker.py``) under ``RLIMIT_AS`` (1.5 GiB,
``$SHENJING_FUZZ_AS_GB``), with a time cap per load (10 s, ``$SHENJING_FUZZ_SECONDS``)
and a cap on how much its resident memory may grow (256 MiB, ``$SHENJING_FUZZ_RSS_MB``).
A load fails the test when it raises anything but ``shenjing.safety.FormatError``
(MemoryError included), when the FormatError does not name the file, when the child
dies, or when a cap is passed.

By default 40 mutants per format (a few seconds); ``SHENJING_FUZZ_CASES=N`` runs N per
format and ``SHENJING_FUZZ_SEED=S`` starts at seed S. A failure names the seed and the
mutation, keeps the mutant's bytes in a temporary folder, and says how to reproduce it
in-process: ``python tests/fuzz/fuzz_harness.py FORMAT SEED``.
"""

import collections
import os

import pytest

import fuzz_harness as fh
from hostile_files import HOSTILE

CASES = int(os.environ.get("SHENJING_FUZZ_CASES", "40"))
FIRST_SEED = int(os.environ.get("SHENJING_FUZZ_SEED", "0"))

# Hostile files that no correct reader may load: a second config.json or npz member, a
# header that lies about its size, a config whose layers have no weights in the file, or a
# file that would make the load materialize more than 100x its size.
MUST_REFUSE = {"keras_duplicate_config", "npz_duplicate_member", "npz_10e12_images",
               "idx_dims_overflow_int64", "safetensors_nested_header", "keras_dense_8000",
               "keras_dense_8000_x4", "keras_8000_layers", "keras_deflated_zeros",
               "npz_deflate_bomb", "idx_gz_bomb", "h5_gzip_bomb_used"}


@pytest.fixture(scope="module")
def worker(tmp_path_factory):
    home = str(tmp_path_factory.mktemp("fuzz-home"))
    child = fh.Worker(home)
    yield child
    child.close()


def judge(worker, fmt, name, data, folder):
    """``(path, failure or None)`` for loading ``data`` as ``fmt`` in the worker."""
    path = fh.place(fmt, name, data, str(folder), worker.home)
    answer = worker.load(fh.FORMATS[fmt][1], path)
    failure = fh.verdict(answer)
    if failure is None and answer["outcome"] == "error" and os.path.basename(path) not in answer["message"]:
        failure = f"FormatError does not name the file {os.path.basename(path)}: {answer['message'][:200]}"
    return path, answer, failure


def test_the_harness_reports_a_crash_a_hang_and_memory(tmp_path):
    child = fh.Worker(str(tmp_path))
    try:
        assert fh.verdict(child.load("_abort", "")).startswith("crash: the child died")
        assert fh.verdict(child.load("_sleep", "30", time_cap=1.0)).startswith("hang: no answer within 1.0 s")
        grown = child.load("_allocate", str(fh.RSS_CAP + (64 << 20)))
        assert grown["outcome"] == "loaded" and fh.verdict(grown).startswith("memory:")
        refused = child.load("_allocate", str(fh.AS_LIMIT))      # past RLIMIT_AS
        assert refused["type"].endswith("MemoryError") and "not FormatError" in fh.verdict(refused)
        assert child.load("_sleep", "0")["outcome"] == "loaded"   # the same child goes on
    finally:
        child.close()


@pytest.mark.parametrize("fmt", sorted(fh.FORMATS))
def test_the_valid_file_loads(worker, fmt, tmp_path):
    path, answer, failure = judge(worker, fmt, "valid", fh.valid_file(fmt), tmp_path)
    assert answer["outcome"] == "loaded", f"{fmt}: the unmutated file {path} does not load: {answer}"


@pytest.mark.parametrize("fmt", sorted(fh.FORMATS))
def test_mutants_load_or_raise_format_error(worker, fmt, tmp_path):
    failures, outcomes = [], collections.Counter()
    for seed in range(FIRST_SEED, FIRST_SEED + CASES):
        data, mutation = fh.make_mutant(fmt, seed)
        path, answer, failure = judge(worker, fmt, f"{fmt}-{seed}", data, tmp_path)
        outcomes[answer["outcome"]] += 1
        if failure is None:
            os.remove(path)
        else:
            failures.append(f"seed={seed} [{mutation}] -> {failure}\n      mutant: {path} "
                            f"({len(data)} bytes); reproduce: python tests/fuzz/fuzz_harness.py "
                            f"{fmt} {seed}")
    classes = collections.Counter(f.split("-> ", 1)[1].split(" ", 1)[0] for f in failures)
    assert not failures, (f"{len(failures)} of {CASES} {fmt} mutants failed ({dict(classes)}; "
                          f"outcomes {dict(outcomes)}):\n  " + "\n  ".join(failures[:25]))


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_hostile_file(worker, name, tmp_path):
    fmt, build, what = HOSTILE[name]
    data = build()
    assert len(data) <= 1_000_000, f"{name} is {len(data)} bytes; hostile files stay under 1 MB"
    path, answer, failure = judge(worker, fmt, name, data, tmp_path)
    if failure is None and name in MUST_REFUSE and answer["outcome"] == "loaded":
        failure = "loaded, but a correct reader refuses this file with a FormatError"
    assert failure is None, (f"{name} ({what}; {len(data)} bytes): {failure}\n  file: {path}\n"
                             f"  peak RSS growth {(answer.get('peak_rss', 0) - answer.get('base_rss', 0)) >> 20} MiB, "
                             f"{answer.get('seconds', 0):.2f} s")
