"""The machine's float32 matrix-multiply throughput, as NumPy (or torch) gets it in this process.

Prints one JSON object: the BLAS library NumPy uses (threadpoolctl), GFLOP/s of a
2048^3 product, and GFLOP/s of every matrix product of one CNN training step as
shenjing's engine does it (shapes from ``workloads.gemm_shapes``), with the time
those products alone would take per epoch. ``run.py`` runs it once per BLAS
environment (OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE as set, and unset).

Run: python benchmarks/blas_probe.py [--torch] [--quick]
"""

import argparse
import json
import time

import numpy as np

import workloads


def _best_seconds(fn, min_time, max_repeats=200):
    """Best time of one call, after a warm-up call; repeats until ``min_time`` seconds are spent."""
    fn()
    best, spent, repeats = float("inf"), 0.0, 0
    while (spent < min_time or repeats < 3) and repeats < max_repeats:
        t0 = time.perf_counter()
        fn()
        dt = time.perf_counter() - t0
        best, spent, repeats = min(best, dt), spent + dt, repeats + 1
    return best


def _operands(m, k, n, transposed, rng, backend):
    a = rng.random((k, m) if transposed == "A^T" else (m, k), dtype=np.float32)
    b = rng.random((n, k) if transposed == "B^T" else (k, n), dtype=np.float32)
    if backend == "torch":
        import torch
        a, b = torch.from_numpy(a), torch.from_numpy(b)
    # A transposed view, not a copy: what cols.T @ g and g @ K[a, b].T hand to the BLAS.
    if transposed == "A^T":
        a = a.T
    if transposed == "B^T":
        b = b.T
    return a, b


def probe(backend="numpy", quick=False):
    rng = np.random.default_rng(0)
    min_time = 0.2 if quick else 1.0
    size = 1024 if quick else 2048
    a, b = _operands(size, size, size, "", rng, backend)
    seconds = _best_seconds(lambda: a @ b, min_time)
    result = {"backend": backend, "square_size": size,
              "square_gflops": 2 * size ** 3 / seconds / 1e9, "workloads": {}}
    for workload in workloads.WORKLOADS:
        steps = -(-60000 // workloads.WORKLOADS[workload]["batch_size"])
        rows, step_seconds, step_flops = [], 0.0, 0
        for label, m, k, n, count, transposed in workloads.gemm_shapes(workload):
            a, b = _operands(m, k, n, transposed, rng, backend)
            t = _best_seconds(lambda: a @ b, min_time / 5)
            flops = 2 * m * k * n
            rows.append({"gemm": label, "m": m, "k": k, "n": n, "count": count, "transposed": transposed,
                         "gflops": flops / t / 1e9, "ms_per_step": t * count * 1e3})
            step_seconds += t * count
            step_flops += flops * count
        result["workloads"][workload] = {
            "gemms": rows, "step_gflops": step_flops / step_seconds / 1e9,
            "gemm_seconds_per_epoch": step_seconds * steps}
    return result


def blas_info():
    """The BLAS libraries loaded in this process (threadpoolctl), NumPy's build config."""
    info = {"numpy": np.__version__}
    try:
        from threadpoolctl import threadpool_info
        info["threadpools"] = [{k: v for k, v in pool.items() if k != "filepath"}
                               for pool in threadpool_info()]
    except ImportError:
        info["threadpools"] = "threadpoolctl is not installed"
    try:
        config = np.show_config(mode="dicts")
        info["numpy_blas"] = config.get("Build Dependencies", {}).get("blas", {})
    except TypeError:  # NumPy < 1.25 prints only
        info["numpy_blas"] = None
    return info


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--torch", action="store_true", help="measure torch.matmul (2 threads) instead")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    with workloads.Timed() as timer:
        if args.torch:
            import torch
            torch.set_num_threads(2)
            result = probe("torch", args.quick)
            result["torch"] = torch.__version__
        else:
            result = probe("numpy", args.quick)
            result.update(blas_info())
    result["foreign_cores"] = timer.foreign_cores
    print(json.dumps(result))


if __name__ == "__main__":
    main()
