"""Batch throughput and memory on Dask: `buzon ingest` vs bare tesseract, 1 vs 2 workers.

Usage: python -m bench.batch [--count 200] [--seed 21] [--copies 10] [--box DIR]
                             [--skip-bare] [--skip-large] [--skip-external] [--results NAME]

In one run, on `buzon sample --count N --seed S` (or the box given with --box):
1. bare `tesseract PAGE - -l spa` over the same pages (rendered at 300 dpi beforehand,
   not timed), one after another, OMP_THREAD_LIMIT=1, vs `buzon ingest --workers 1`;
2. `--workers 2` vs `--workers 1`, and `--scheduler` against a `dask scheduler` on
   127.0.0.1 with two `dask worker` processes started separately (how remote workers join);
3. peak RSS (VmHWM) of the client and of each worker for the box and for the box copied
   `--copies` times (each copy differs by a trailing byte comment the loaders ignore, so it
   has its own SHA-256).
Each ingest runs on a fresh data dir with its own SQLite database. Prints the figures and
writes bench/results/batch.json (or NAME.json).
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

RESULTS = Path(__file__).resolve().parent / "results"
PY = sys.executable
DASK = str(Path(sys.executable).with_name("dask"))


def cpu_of_children() -> float:
    """CPU seconds (user + system) of every reaped descendant: load-independent cost."""
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def _env(data: Path) -> dict[str, str]:
    env = {**os.environ, "BUZON_DATA_DIR": str(data)}
    for var in ("BUZON_DATABASE_URL", "BUZON_CONFIG", "BUZON_DASK_SCHEDULER"):
        env.pop(var, None)
    return env


class PeakRss:
    """Polls a set of process trees and keeps each process's VmHWM (its peak RSS)."""

    def __init__(self, roots: list[int]) -> None:
        self.roots = roots
        self.peaks: dict[int, tuple[str, int]] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def __enter__(self) -> PeakRss:
        self._thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self._stop.set()
        self._thread.join()

    def _run(self) -> None:
        while not self._stop.is_set():
            self.sample()
            time.sleep(0.2)

    def sample(self) -> None:
        for root in self.roots:
            try:
                procs = [psutil.Process(root)]
                procs += procs[0].children(recursive=True)
            except psutil.Error:
                continue
            for p in procs:
                try:
                    with open(f"/proc/{p.pid}/status", encoding="ascii") as f:
                        hwm = next(int(ln.split()[1]) for ln in f if ln.startswith("VmHWM"))
                    self.peaks[p.pid] = (p.name(), hwm * 1024)
                except (OSError, StopIteration, psutil.Error):
                    pass

    def mib(self, pid: int) -> float:
        return round(self.peaks.get(pid, ("", 0))[1] / 2**20, 1)

    def workers(self, exclude: set[int]) -> list[float]:
        """Peak RSS of the Python worker processes (not tesseract, not the client)."""
        return sorted((round(v / 2**20, 1) for pid, (name, v) in self.peaks.items()
                       if pid not in exclude and name.startswith(("python", "dask"))),
                      reverse=True)


def ingest(box: Path, data: Path, n_workers: int, *args: str,
           worker_roots: list[int] = ()) -> dict:
    """One `buzon ingest` on a fresh data dir: seconds, pages, report, peak RSS."""
    report = data.parent / f"{data.name}-report.json"
    cmd = [PY, "-m", "intake.cli", "ingest", str(box), "--unit", "UMF 20", "--quiet",
           "--report", str(report), *args]
    t0, cpu0 = time.perf_counter(), cpu_of_children()
    proc = subprocess.Popen(cmd, env=_env(data), stdout=subprocess.DEVNULL)
    with PeakRss([proc.pid, *worker_roots]) as rss:
        proc.wait()
    seconds, cpu = time.perf_counter() - t0, cpu_of_children() - cpu0
    summary = json.loads(report.read_text(encoding="utf-8"))
    pages = summary["paginas"]
    return {"command": " ".join(["buzon", *cmd[3:]]), "exit_code": proc.returncode,
            "seconds": round(seconds, 1), "pages": pages, "files": summary["archivos"],
            "documents": summary["documentos"], "pages_per_s": round(pages / seconds, 3),
            "pages_per_s_after_cluster_start": summary["paginas_por_segundo_lectura"],
            "writer_seconds": summary.get("segundos_escritura"),
            "cpu_seconds": round(cpu, 1), "cpu_s_per_page": round(cpu / pages, 3),
            "client_peak_rss_mib": rss.mib(proc.pid),
            "worker_peak_rss_mib": rss.workers({proc.pid})[:n_workers]}


def bare_tesseract(box: Path, tmp: Path) -> dict:
    """Every page rendered to PNG (untimed), then tesseract on each, one after another."""
    from PIL import Image

    from ocr.loading import load_file

    pages_dir = tmp / "paginas-png"
    pages_dir.mkdir()
    n = 0
    for f in sorted(box.iterdir()):
        if f.suffix.lower() not in {".pdf", ".png", ".jpg", ".tif"}:
            continue
        for page in load_file(f.read_bytes(), f.name, max_pixels=150_000_000):
            buf = io.BytesIO()
            Image.fromarray(page.pixels).save(buf, "PNG", dpi=(page.dpi, page.dpi))
            (pages_dir / f"{n:05d}.png").write_bytes(buf.getvalue())
            n += 1
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}
    t0, cpu0 = time.perf_counter(), cpu_of_children()
    for png in sorted(pages_dir.iterdir()):
        subprocess.run(["tesseract", str(png), "-", "-l", "spa"], env=env, check=True,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    seconds, cpu = time.perf_counter() - t0, cpu_of_children() - cpu0
    return {"pages": n, "seconds": round(seconds, 1), "pages_per_s": round(n / seconds, 3),
            "cpu_seconds": round(cpu, 1), "cpu_s_per_page": round(cpu / n, 3)}


def copies(box: Path, out: Path, k: int) -> Path:
    """The box k times; copy i of a file ends with a comment the loaders ignore."""
    out.mkdir()
    for f in sorted(box.iterdir()):
        if f.suffix.lower() not in {".pdf", ".png", ".jpg", ".tif"}:
            continue
        data = f.read_bytes()
        for i in range(k):
            (out / f"{f.stem}-c{i:02d}{f.suffix}").write_bytes(data + f"\n%copia {i}\n".encode())
    return out


def external_cluster(box: Path, data: Path, workers: int) -> dict:
    """A scheduler on 127.0.0.1 and workers started as separate `dask worker` processes."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    addr = f"tcp://127.0.0.1:{port}"
    quiet = {"stdout": subprocess.DEVNULL, "stderr": subprocess.DEVNULL}
    sched = subprocess.Popen([DASK, "scheduler", "--host", "127.0.0.1", "--port", str(port),
                              "--no-dashboard"], **quiet)
    procs = [subprocess.Popen([DASK, "worker", addr, "--nthreads", "1", "--nworkers", "1",
                               "--no-dashboard", "--no-nanny"],
                              env={**os.environ, "OMP_THREAD_LIMIT": "1"}, **quiet)
             for _ in range(workers)]
    cpu0 = cpu_of_children()
    try:
        from distributed import Client

        with Client(addr, timeout=60) as c:
            c.wait_for_workers(workers, timeout=120)
        result = ingest(box, data, workers, "--scheduler", addr,
                        worker_roots=[p.pid for p in procs])
    finally:
        for p in [*procs, sched]:
            p.terminate()
        for p in [*procs, sched]:
            try:
                p.wait(timeout=30)
            except subprocess.TimeoutExpired:  # a worker busy in C code ignores SIGTERM
                p.kill()
                p.wait()
    # The workers are reaped only now: their CPU (and the scheduler's, a little) counts.
    cpu = cpu_of_children() - cpu0
    result.update(cpu_seconds=round(cpu, 1), cpu_s_per_page=round(cpu / result["pages"], 3))
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--count", type=int, default=200)
    ap.add_argument("--seed", type=int, default=21)
    ap.add_argument("--copies", type=int, default=10)
    ap.add_argument("--box", type=Path, default=None, help="reuse a sample box")
    ap.add_argument("--skip-bare", action="store_true")
    ap.add_argument("--skip-large", action="store_true")
    ap.add_argument("--skip-external", action="store_true")
    ap.add_argument("--results", default="batch",
                    help="file name (without .json) under bench/results/")
    args = ap.parse_args()
    out: dict = {"count": args.count, "seed": args.seed, "cpu_count": os.cpu_count(),
                 "load_average_start": os.getloadavg()}
    with tempfile.TemporaryDirectory() as tmp_s:
        tmp = Path(tmp_s)
        box = args.box
        if box is None:
            box = tmp / "buzon"
            subprocess.run([PY, "-m", "intake.cli", "sample", "--out", str(box), "--count",
                            str(args.count), "--seed", str(args.seed), "--estilos-reservados"],
                           check=True,
                           env=_env(tmp / "x"))
        model_home = tmp / "modelo"
        subprocess.run([PY, "-m", "intake.cli", "train"], env=_env(model_home), check=True,
                       stdout=subprocess.DEVNULL)

        def fresh(name: str) -> Path:
            d = tmp / name
            shutil.copytree(model_home / "modelos", d / "modelos")
            return d

        if not args.skip_bare:
            out["bare_tesseract"] = bare_tesseract(box, tmp)
            print("bare tesseract:", out["bare_tesseract"], flush=True)
        out["workers_1"] = ingest(box, fresh("w1"), 1, "--workers", "1")
        print("1 worker:", out["workers_1"], flush=True)
        out["workers_2"] = ingest(box, fresh("w2"), 2, "--workers", "2")
        print("2 workers:", out["workers_2"], flush=True)
        if not args.skip_external:
            out["external_2"] = external_cluster(box, fresh("ext"), 2)
            print("2 dask-worker processes via --scheduler:", out["external_2"], flush=True)
        if not args.skip_large:
            big = copies(box, tmp / f"buzon-x{args.copies}", args.copies)
            out["workers_2_large"] = ingest(big, fresh("w2big"), 2, "--workers", "2")
            print(f"2 workers, box x{args.copies}:", out["workers_2_large"], flush=True)
    w1, w2 = out["workers_1"]["pages_per_s"], out["workers_2"]["pages_per_s"]
    out["ratios"] = {"scaling_2_vs_1": round(w2 / w1, 3)}
    out["ratios"]["cpu_per_page_1_vs_2_workers"] = round(
        out["workers_1"]["cpu_s_per_page"] / out["workers_2"]["cpu_s_per_page"], 3)
    if "bare_tesseract" in out:
        bare = out["bare_tesseract"]
        out["ratios"]["one_worker_vs_bare_tesseract"] = round(w1 / bare["pages_per_s"], 3)
        out["ratios"]["cpu_per_page_bare_vs_one_worker"] = round(
            bare["cpu_s_per_page"] / out["workers_1"]["cpu_s_per_page"], 3)
    if "external_2" in out:
        out["ratios"]["external_2_vs_1"] = round(out["external_2"]["pages_per_s"] / w1, 3)
    if "workers_2_large" in out:
        small, large = out["workers_2"], out["workers_2_large"]
        out["ratios"]["client_rss_large_vs_small"] = round(
            large["client_peak_rss_mib"] / small["client_peak_rss_mib"], 3)
        out["ratios"]["max_worker_rss_large_vs_small"] = round(
            max(large["worker_peak_rss_mib"]) / max(small["worker_peak_rss_mib"]), 3)
    out["load_average_end"] = os.getloadavg()
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{args.results}.json").write_text(json.dumps(out, indent=2) + "\n",
                                                  encoding="utf-8")
    print(json.dumps(out["ratios"], indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
