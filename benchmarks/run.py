"""shenjing against PyTorch on the CPU: training and inference speed, accuracy, memory, import time.

Each framework trains the same workload (data, initialisation scheme, Adam, batch
size, shuffling) in a process of its own, and the runner alternates their epochs
(shenjing engine, torch, shenjing fit, ...) so that a change in the machine's load
falls on all of them. shenjing runs both its bare engine loop and Keras-style
``fit``, and, with ``--blas-env both``, once with OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE
as set in this environment and once with both removed.

Run:  python benchmarks/run.py [--quick] [--models cnn,mlp,mlp_softmax,cnn256] [--epochs 1]
                               [--repeats 2] [--blas-env both|set|unset] [--update-readme]

Writes benchmarks/results/<date>.json (<date>-quick.json with --quick, <date>-malloc-tuned.json
with --malloc-tuned) and prints a Markdown table; --update-readme also puts that table into
benchmarks/README.md (its own section for --malloc-tuned runs).
Offline: the data comes from shenjing.datasets.fashion_mnist.load_data(download=False).
"""

import argparse
import datetime
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import workloads  # noqa: E402

BLAS_VARIABLES = ("OPENBLAS_CORETYPE", "OPENBLAS_L2_SIZE")
README = os.path.join(HERE, "README.md")
DISTURBED = 0.15  # cores kept busy by other processes during an epoch, above which it is flagged


# -- environment -------------------------------------------------------------------------
MALLOC_TUNED = {"MALLOC_MMAP_THRESHOLD_": "4294967295", "MALLOC_TRIM_THRESHOLD_": "4294967295"}
_extra_env = {}


def blas_envs(choice):
    """{label: environment for a subprocess}: the variables as set, and/or removed."""
    envs = {}
    if choice in ("both", "set"):
        envs["set"] = {**os.environ, **_extra_env}
    if choice in ("both", "unset"):
        envs["unset"] = {k: v for k, v in {**os.environ, **_extra_env}.items() if k not in BLAS_VARIABLES}
    return envs


def blas_env_description():
    values = [f"{k}={os.environ[k]}" for k in BLAS_VARIABLES if k in os.environ]
    return ", ".join(values) if values else "none of them set in this environment"


def machine_info():
    info = {"python": platform.python_version(), "platform": platform.platform(),
            "numpy": np.__version__, "cores": os.cpu_count()}
    try:
        lscpu = subprocess.run(["lscpu"], capture_output=True, text=True, check=True).stdout
        fields = dict(line.split(":", 1) for line in lscpu.splitlines() if ":" in line)
        fields = {k.strip(): v.strip() for k, v in fields.items()}
        info["cpu"] = fields.get("Model name")
        info["cpu_family_model"] = f"family {fields.get('CPU family')} model {fields.get('Model')}"
        info["caches"] = {k: fields[k] for k in ("L1d cache", "L2 cache", "L3 cache") if k in fields}
        info["hypervisor"] = fields.get("Hypervisor vendor")
    except (OSError, subprocess.CalledProcessError):
        info["cpu"] = platform.processor()
    try:
        with open("/proc/meminfo") as f:
            total_kib = int(f.readline().split()[1])
        info["ram_gib"] = round(total_kib / 1024 ** 2, 1)
    except OSError:
        pass
    return info


def load_average():
    try:
        with open("/proc/loadavg") as f:
            return [float(v) for v in f.read().split()[:3]]
    except OSError:
        return None


def git_revision():
    try:
        rev = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                             text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "shenjing"], cwd=ROOT,
                               capture_output=True, text=True, check=True).stdout.strip()
        return rev + (" + uncommitted changes in shenjing/" if dirty else "")
    except (OSError, subprocess.CalledProcessError):
        return None


def wait_until_idle(max_wait, threshold=None, window=1.0):
    """Wait (up to ``max_wait`` s) until the machine's other processes use < ``threshold`` cores.

    Our own workers are idle between commands, so the machine's busy time over a
    one-second window is other people's. Returns the seconds waited.
    """
    threshold = DISTURBED if threshold is None else threshold
    waited = 0.0
    while waited < max_wait:
        busy0 = workloads.machine_busy_seconds()
        if busy0 is None:
            return 0.0
        time.sleep(window)
        busy = (workloads.machine_busy_seconds() - busy0) / window
        if busy < threshold:
            return waited
        waited += window
        if waited in (window, 10 * window) or waited % 30 == 0:
            log(f"  the machine is busy ({busy:.2f} cores used by other processes); waiting ...")
    return waited


def log(message):
    print(message, file=sys.stderr, flush=True)


# -- measurements in fresh processes ---------------------------------------------------------
def import_seconds(module, repeats, env=None):
    """Seconds to ``import module`` in a fresh interpreter: one warm-up run, then ``repeats``."""
    code = f"import time; t = time.perf_counter(); import {module}; print(time.perf_counter() - t)"
    times = []
    for i in range(repeats + 1):
        out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env,
                             cwd=ROOT, check=True).stdout
        if i:  # the first run warms the file cache
            times.append(float(out.strip().splitlines()[-1]))
    return {"median": statistics.median(times), "min": min(times), "runs": times}


def blas_probe(env, quick, use_torch=False, idle_wait=120, tries=3):
    """blas_probe.py's JSON: run again (up to ``tries`` times) while other processes disturb it,
    keeping the least disturbed run."""
    command = [sys.executable, os.path.join(HERE, "blas_probe.py")]
    command += ["--torch"] if use_torch else []
    command += ["--quick"] if quick else []
    best = None
    for attempt in range(tries):
        wait_until_idle(idle_wait)
        out = subprocess.run(command, capture_output=True, text=True, env=env, cwd=ROOT, check=True).stdout
        result = json.loads(out)
        result["attempts"] = attempt + 1
        if best is None or (result.get("foreign_cores") or 0.0) < (best.get("foreign_cores") or 0.0):
            best = result
        if (result.get("foreign_cores") or 0.0) <= DISTURBED:
            break
        log(f"  matmul probe disturbed ({result['foreign_cores']:.2f} cores used by other processes); again")
    return best


def save_data(path):
    """Fashion-MNIST from shenjing's offline loader, saved once as uint8 for every worker."""
    from shenjing.datasets import fashion_mnist
    (x_train, y_train), (x_test, y_test) = fashion_mnist.load_data(download=False)
    np.savez(path, x_train=x_train, y_train=y_train, x_test=x_test, y_test=y_test)
    return len(x_train), len(x_test)


# -- workers ---------------------------------------------------------------------------------
class Worker:
    """One framework process, spoken to one JSON line at a time (see workloads.serve)."""

    def __init__(self, name, command, env):
        self.name = name
        self.process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, env=env, cwd=ROOT, bufsize=1)
        self.setup = self._read()

    def _read(self):
        line = self.process.stdout.readline()
        if not line:
            raise RuntimeError(f"worker {self.name} exited (code {self.process.wait()}); see its stderr above")
        reply = json.loads(line)
        if "error" in reply:
            raise RuntimeError(f"worker {self.name}: {reply['error']}")
        return reply

    def ask(self, command):
        self.process.stdin.write(json.dumps({"cmd": command}) + "\n")
        self.process.stdin.flush()
        return self._read()

    def close(self):
        if self.process.poll() is None:
            self.process.kill()
        self.process.wait()


def variants(blas_choice):
    """(name, framework, path, blas label) in the order one round runs them."""
    envs = list(blas_envs(blas_choice))
    out = [(f"shenjing engine (BLAS env {envs[0]})", "shenjing", "engine", envs[0]),
           ("torch", "torch", None, "set"),
           (f"shenjing fit (BLAS env {envs[0]})", "shenjing", "fit", envs[0])]
    for label in envs[1:]:
        out += [(f"shenjing engine (BLAS env {label})", "shenjing", "engine", label),
                (f"shenjing fit (BLAS env {label})", "shenjing", "fit", label)]
    return out


def start_worker(variant, workload, data_path, seed, args):
    name, framework, path, blas = variant
    script = "torch_bench.py" if framework == "torch" else "shenjing_bench.py"
    command = [sys.executable, os.path.join(HERE, script), "--workload", workload, "--data", data_path,
               "--seed", str(seed)]
    if path:
        command += ["--path", path]
    if args.limit:
        command += ["--limit", str(args.limit)]
    if args.test_limit:
        command += ["--test-limit", str(args.test_limit)]
    env = blas_envs("both")["set" if framework == "torch" else blas]
    return Worker(name, command, env)


def run_workload(workload, data_path, args):
    """Every variant of one workload: ``repeats`` fresh sets of processes, ``epochs`` rounds each."""
    order = variants(args.blas_env)
    results = {v[0]: {"framework": v[1], "path": v[2], "blas_env": v[3], "epochs": [], "inference": [],
                      "memory": [], "setup": None, "setups": []} for v in order}
    for repeat in range(args.repeats):
        seed = args.seed + repeat
        # Rotate the order each repeat, so that no variant always runs right after another.
        rotated = order[repeat % len(order):] + order[:repeat % len(order)]
        workers = {}
        try:
            for variant in rotated:
                workers[variant[0]] = start_worker(variant, workload, data_path, seed, args)
                results[variant[0]]["setup"] = workers[variant[0]].setup
                results[variant[0]]["setups"].append(workers[variant[0]].setup)
            for epoch in range(args.epochs):
                for variant in rotated:
                    time.sleep(0.5)  # let the previous process's BLAS/OpenMP threads go to sleep
                    waited = wait_until_idle(args.idle_wait)
                    load = load_average()
                    reply = workers[variant[0]].ask("epoch")
                    reply.update(repeat=repeat, epoch=epoch, load_before=load, waited_for_idle_s=waited)
                    results[variant[0]]["epochs"].append(reply)
                    log(f"  {workload} repeat {repeat + 1}/{args.repeats} epoch {epoch + 1}/{args.epochs} "
                        f"{variant[0]:34s} {reply['seconds']:7.2f} s  acc {reply['test_accuracy']:.4f}  "
                        f"other load {reply['foreign_cores'] or 0:.2f} cores")
            for variant in rotated:
                time.sleep(0.5)
                wait_until_idle(args.idle_wait)
                results[variant[0]]["inference"].append(workers[variant[0]].ask("infer"))
            for variant in rotated:
                results[variant[0]]["memory"].append(workers[variant[0]].ask("finish"))
        finally:
            for worker in workers.values():
                worker.close()
    return results


# -- summary ---------------------------------------------------------------------------------
def summarize(workload, results, probes, n_train):
    """Medians per variant, ratios to torch, fit's overhead per step, the share of matmul peak."""
    flops = workloads.train_flops_per_sample(workload) * n_train
    rows = {}
    for name, r in results.items():
        seconds = [e["seconds"] for e in r["epochs"]]
        median = statistics.median(seconds)
        probe = probes["torch"] if r["framework"] == "torch" else probes[r["blas_env"]]
        achieved = flops / median / 1e9
        steps = r["epochs"][0]["steps"]
        rows[name] = {
            "framework": r["framework"], "path": r["path"], "blas_env": r["blas_env"],
            "epoch_seconds": median, "epoch_seconds_best": min(seconds), "epoch_seconds_all": seconds,
            "steps": steps,
            "ms_per_step": median / steps * 1e3,
            "test_accuracy": statistics.mean(e["test_accuracy"] for e in r["epochs"] if e["epoch"] == max(
                x["epoch"] for x in r["epochs"])),
            "peak_mib": max(m["peak"]["ru_maxrss_mib"] for m in r["memory"]),
            # ru_maxrss after each process's first training loop, before any test evaluation
            "train_peak_mib": statistics.median(e["peak_after_training_mib"] for e in r["epochs"]
                                                if e["epoch"] == 0),
            "rss_after_setup_mib": r["setup"]["rss_after_setup_mib"],
            # VmHWM was reset after setup (when the kernel allows it): the peak of training alone.
            "peak_over_setup_mib": max((m["peak"]["vmhwm_mib"] if setup.get("hwm_reset") else m["peak"]["ru_maxrss_mib"])
                                       - setup["rss_after_setup_mib"]
                                       for m, setup in zip(r["memory"], r["setups"])),
            "inference_images_per_s": statistics.median(i["images_per_s"] for i in r["inference"]),
            "achieved_gflops": achieved,
            "peak_gflops": probe["square_gflops"],
            "fraction_of_square_peak": achieved / probe["square_gflops"],
            "fraction_of_workload_gemm_rate": achieved / probe["workloads"][workload]["step_gflops"],
            "gemm_floor_seconds": probe["workloads"][workload]["gemm_seconds_per_epoch"] * n_train / 60000,
            "foreign_cores": statistics.mean(e["foreign_cores"] or 0.0 for e in r["epochs"]),
            "foreign_cores_max": max(e["foreign_cores"] or 0.0 for e in r["epochs"]),
            "minor_faults_per_step": statistics.median(e["minor_faults"] / e["steps"] for e in r["epochs"]),
            "system_seconds": statistics.median(e["system_seconds"] for e in r["epochs"]),
            "own_cores": statistics.mean(e["cpu_seconds"] / e["seconds"] for e in r["epochs"]),
        }
    torch_seconds = next(r["epoch_seconds"] for r in rows.values() if r["framework"] == "torch")
    torch_infer = next(r["inference_images_per_s"] for r in rows.values() if r["framework"] == "torch")
    torch_train_peak = next(r["train_peak_mib"] for r in rows.values() if r["framework"] == "torch")
    for name, row in rows.items():
        row["ratio_to_torch"] = row["epoch_seconds"] / torch_seconds
        row["inference_ratio_to_torch"] = torch_infer / row["inference_images_per_s"]
        row["train_peak_ratio_to_torch"] = row["train_peak_mib"] / torch_train_peak
        if row["path"] == "fit":
            engine = next(r for r in rows.values() if r["path"] == "engine" and r["blas_env"] == row["blas_env"])
            row["fit_overhead_ms_per_step"] = (row["epoch_seconds"] - engine["epoch_seconds"]) / row["steps"] * 1e3
    return rows


def markdown(report):
    lines = []
    meta = report["meta"]
    machine = meta["machine"]
    lines.append(f"- Date: {meta['date']}, {meta['started_utc']} UTC"
                 f"{'  **--quick: a validation run, not a result**' if meta['quick'] else ''}")
    lines.append(f"- Machine: {machine.get('cpu')} ({machine.get('cpu_family_model')}, "
                 f"{machine.get('hypervisor') or 'bare metal'} guest), {machine['cores']} cores, "
                 f"{machine.get('ram_gib')} GiB RAM")
    probe = report["blas"].get("set") or report["blas"].get("unset")
    pools = probe.get("threadpools") if isinstance(probe.get("threadpools"), list) else []
    blas = ", ".join(f"{p.get('internal_api')} {p.get('version')} ({p.get('num_threads')} threads)"
                     for p in pools if p.get("user_api") == "blas") or "unknown"
    lines.append(f"- Versions: Python {machine['python']}, NumPy {machine['numpy']} with {blas}, "
                 f"torch {report['torch_version']} (MKL + oneDNN, {report['torch_threads']} threads), "
                 f"shenjing {meta['shenjing_revision']}")
    lines.append(f"- BLAS environment 'set': {meta['blas_env_set']}; 'unset': both removed. "
                 "torch does not read them (it uses MKL), so it runs once."
                 + (f" All workers ran with {meta['malloc_env']}." if meta.get("malloc_env") else ""))
    lines.append(f"- Command: `{meta['command']}`")
    lines.append(f"- Load average (1/5/15 min) before: {meta['load_before']}, after: {meta['load_after']} "
                 f"(the benchmark's own two threads count: ~2 is expected); wall time of the run: "
                 f"{meta['run_minutes']:.1f} min")
    lines.append("")
    lines.append("| | import s (median) |")
    lines.append("|---|---|")
    for module, t in report["import_seconds"].items():
        lines.append(f"| `import {module}` | {t['median']:.3f} |")
    loads = [setup["compiled_loops_seconds"] for rows in report["raw"].values() for r in rows.values()
             for setup in r["setups"] if setup.get("compiled_loops_seconds") is not None]
    if loads:
        lines.append(f"| shenjing's compiled loops, first use in a process (numba's import and the loops "
                     f"from its disk cache; done in the worker's setup) | {statistics.median(loads):.3f} |")
    lines.append("")
    lines.append("| float32 matmul, 2 threads | 2048³ GFLOP/s | CNN b64 GEMMs GFLOP/s | GEMM-only CNN epoch s |")
    lines.append("|---|---|---|---|")
    for label, p in report["blas"].items():
        name = "torch.matmul" if label == "torch" else f"NumPy, BLAS env {label}"
        flag = " ⚠" if (p.get("foreign_cores") or 0.0) > DISTURBED else ""
        lines.append(f"| {name}{flag} | {p['square_gflops']:.0f} | {p['workloads']['cnn']['step_gflops']:.0f} | "
                     f"{p['workloads']['cnn']['gemm_seconds_per_epoch']:.1f} |")
    for workload, rows in report["summary"].items():
        lines.append("")
        lines.append(f"**{workloads.WORKLOADS[workload]['title']}** "
                     f"({report['n_train']} training images, {report['n_test']} test; "
                     f"{workloads.train_flops_per_sample(workload) / 1e6:.1f} MFLOP per sample forward+backward)")
        lines.append("")
        lines.append("| variant | epoch s | best s | ms/step | × torch | test acc | train peak MiB | × torch (peak) "
                     "| peak MiB | peak − setup MiB "
                     "| infer img/s | × torch (infer) | GFLOP/s | % of 2048³ | % of GEMM rate | faults/step "
                     "| kernel s | other load |")
        lines.append("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
        for name, r in rows.items():
            flag = " ⚠" if r["foreign_cores_max"] > DISTURBED else ""
            lines.append(
                f"| {name} | {r['epoch_seconds']:.2f}{flag} | {r['epoch_seconds_best']:.2f} | {r['ms_per_step']:.2f} | "
                f"{r['ratio_to_torch']:.2f} | "
                f"{r['test_accuracy']:.4f} | {r['train_peak_mib']:.0f} | {r['train_peak_ratio_to_torch']:.2f} | "
                f"{r['peak_mib']:.0f} | {r['peak_over_setup_mib']:.0f} | "
                f"{r['inference_images_per_s']:.0f} | "
                f"{r['inference_ratio_to_torch']:.2f} | {r['achieved_gflops']:.1f} | "
                f"{100 * r['fraction_of_square_peak']:.1f} | {100 * r['fraction_of_workload_gemm_rate']:.1f} | "
                f"{r['minor_faults_per_step']:.0f} | {r['system_seconds']:.1f} | "
                f"{r['foreign_cores']:.2f} (max {r['foreign_cores_max']:.2f}) |")
        overheads = [f"{r['blas_env']}: {r['fit_overhead_ms_per_step']:+.2f} ms/step "
                     f"({100 * r['fit_overhead_ms_per_step'] / (r['ms_per_step'] - r['fit_overhead_ms_per_step']):+.0f}%)"
                     for r in rows.values() if "fit_overhead_ms_per_step" in r]
        lines.append("")
        lines.append(f"fit over the bare engine loop: {'; '.join(overheads)}. "
                     f"GEMM-only floor of a shenjing epoch (the same matrix products, timed alone): "
                     + "; ".join(f"{label} {report['blas'][label]['workloads'][workload]['gemm_seconds_per_epoch'] * report['n_train'] / 60000:.1f} s"
                                 for label in report["blas"] if label != "torch"))
    lines.append("")
    lines.append("Columns: epoch s = median over repeats of one training epoch (timed loop only; test "
                 "evaluation excluded), ⚠ where other processes kept more than "
                 f"{DISTURBED} cores busy during one of its epochs; best s = the fastest epoch; "
                 "× torch = shenjing / torch epoch time, median (lower is better); test acc = after "
                 "the last epoch, mean over repeats; train peak MiB = ru_maxrss after the first epoch's training "
                 "loop, before any test evaluation (setup + training; median over processes), × torch (peak) "
                 "= its ratio to torch's; peak MiB = ru_maxrss of the process at the end, inference included (includes the "
                 "~210 MiB of float32 data and the interpreter); peak − setup = its growth after the data was "
                 "loaded and the model built (training and inference working memory); infer img/s = test set in batches of "
                 "1000 under no_grad (fit rows: model.predict), median pass; × torch (infer) = shenjing / torch "
                 "inference time; GFLOP/s = forward+backward GEMM FLOPs "
                 "× images / epoch s; % of 2048³ = of the same library's 2048³ matmul rate; % of GEMM "
                 "rate = of the rate of this workload's own matrix shapes; faults/step = minor page faults per "
                 "training step (memory returned to the OS by malloc and faulted in again), kernel s = the "
                 "epoch's system CPU time (both medians); other load = mean CPU cores "
                 "used by other processes during the epoch (from /proc/stat; above ~0.1 the timings are "
                 "disturbed).")
    return "\n".join(lines)


def update_readme(table, section="results"):
    """Replace the README's ``<!-- section:begin -->`` ... ``<!-- section:end -->`` block."""
    begin, end = f"<!-- {section}:begin -->", f"<!-- {section}:end -->"
    with open(README) as f:
        text = f.read()
    if begin not in text or end not in text:
        raise SystemExit(f"{README} has no {begin} ... {end} section to replace")
    head, rest = text.split(begin, 1)
    _, tail = rest.split(end, 1)
    with open(README, "w") as f:
        f.write(f"{head}{begin}\n{table}\n{end}{tail}")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true",
                        help="validate the runner: 6,400 training and 2,000 test images, 1 repeat")
    parser.add_argument("--models", default="cnn,mlp,mlp_softmax,cnn256")
    parser.add_argument("--epochs", type=int, default=1)
    parser.add_argument("--repeats", type=int, default=None, help="fresh processes per variant (default 2; 1 with --quick)")
    parser.add_argument("--blas-env", choices=["both", "set", "unset"], default="both")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--limit", type=int, default=None, help="train on the first N images only")
    parser.add_argument("--test-limit", type=int, default=None)
    parser.add_argument("--import-repeats", type=int, default=None)
    parser.add_argument("--idle-wait", type=float, default=120,
                        help="before each epoch, wait up to this many seconds for other processes to "
                             f"use less than {DISTURBED} cores (0: do not wait)")
    parser.add_argument("--malloc-tuned", action="store_true",
                        help="run every worker (both frameworks) with glibc's mmap and trim thresholds "
                             "raised, so freed memory is reused instead of returned to the OS and "
                             "faulted in again (see the faults/step column)")
    parser.add_argument("--out", default=None, help="JSON path (default benchmarks/results/<date>.json)")
    parser.add_argument("--update-readme", action="store_true", help="write the table into benchmarks/README.md")
    parser.add_argument("--from-json", metavar="PATH",
                        help="print (and with --update-readme, write) the table of a saved run; runs nothing")
    args = parser.parse_args()
    if args.from_json:
        with open(args.from_json) as f:
            report = json.load(f)
        table = markdown(report)
        print(table)
        if args.update_readme:
            update_readme(table, "results-malloc-tuned" if report["meta"].get("malloc_env") else "results")
        return
    models = [m.strip() for m in args.models.split(",") if m.strip()]
    unknown = sorted(set(models) - set(workloads.WORKLOADS))
    if unknown:
        parser.error(f"unknown model(s) {unknown}; choose from {sorted(workloads.WORKLOADS)}")
    if args.quick:
        args.limit = args.limit or 6400
        args.test_limit = args.test_limit or 2000
    args.repeats = args.repeats or (1 if args.quick else 2)
    if args.malloc_tuned:
        _extra_env.update(MALLOC_TUNED)
    import_repeats = args.import_repeats or (2 if args.quick else 5)

    started = datetime.datetime.now(datetime.timezone.utc)
    t_start = time.perf_counter()
    meta = {"date": started.date().isoformat(), "started_utc": started.strftime("%H:%M"),
            "quick": args.quick, "command": "python benchmarks/run.py " + " ".join(sys.argv[1:]),
            "machine": machine_info(), "load_before": load_average(),
            "blas_env_set": blas_env_description(), "shenjing_revision": git_revision(),
            "malloc_env": dict(MALLOC_TUNED) if args.malloc_tuned else None,
            "args": vars(args)}
    log(f"load average before: {meta['load_before']}")
    report = {"meta": meta}

    log("import times ...")
    wait_until_idle(args.idle_wait)
    report["import_seconds"] = {m: import_seconds(m, import_repeats) for m in ("numpy", "shenjing", "torch")}
    log("matmul throughput ...")
    report["blas"] = {label: blas_probe(env, args.quick, idle_wait=args.idle_wait)
                      for label, env in blas_envs(args.blas_env).items()}
    report["blas"]["torch"] = blas_probe(None, args.quick, use_torch=True, idle_wait=args.idle_wait)
    report["torch_version"] = report["blas"]["torch"]["torch"]

    with tempfile.TemporaryDirectory(prefix="shenjing-bench-") as tmp:
        data_path = os.path.join(tmp, "fashion_mnist.npz")
        n_train, n_test = save_data(data_path)
        n_train, n_test = min(n_train, args.limit or n_train), min(n_test, args.test_limit or n_test)
        report["n_train"], report["n_test"] = n_train, n_test
        report["raw"], report["summary"] = {}, {}
        for workload in models:
            log(f"{workload}: {workloads.WORKLOADS[workload]['title']}")
            raw = run_workload(workload, data_path, args)
            report["raw"][workload] = raw
            report["summary"][workload] = summarize(workload, raw, report["blas"], n_train)
    torch_setup = next(r["setup"] for r in report["raw"][models[0]].values() if r["framework"] == "torch")
    report["torch_threads"] = torch_setup["num_threads"]
    meta["load_after"] = load_average()
    meta["run_minutes"] = (time.perf_counter() - t_start) / 60

    suffix = ("-quick" if args.quick else "") + ("-malloc-tuned" if args.malloc_tuned else "")
    out = args.out or os.path.join(HERE, "results", f"{meta['date']}{suffix}.json")
    os.makedirs(os.path.dirname(out), exist_ok=True)
    with open(out, "w") as f:
        json.dump(report, f, indent=1)
    table = markdown(report)
    print(table)
    log(f"\nwrote {os.path.relpath(out, ROOT)}")
    if args.update_readme:
        update_readme(table, "results-malloc-tuned" if args.malloc_tuned else "results")
        log(f"updated {os.path.relpath(README, ROOT)}")


if __name__ == "__main__":
    main()
