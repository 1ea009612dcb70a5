#!/usr/bin/env python3
"""Start-up and scale benchmark for sllm, measured side by side in one run.

Every command runs as a whole process, several times; the report gives medians and
the ratios the project's targets are stated in:

* start-up against the framework floor ``python -c "import typer, pydantic"`` and
  against a bare typer app with the same options (what typer's own argument
  handling costs before sllm does anything);
* scale on synthetic catalogs of 1,000, 10,000 and 100,000 realistic records
  (copies of the bundled records with new ids and names) against
  ``python -c "import json; json.load(open(FILE))"``: time and peak memory, and
  the equivalent ``jq`` filter where jq is installed;
* name resolution over the 100,000-record catalog, in process: an id, a name
  typed loosely, and a typo, each with the index built afresh as a run builds it.

sllm runs with a cache folder of the benchmark's own, so the timed runs read
validated records from it, as a user's every run after the first does; one more
line per case shows the same command validating every time (``SLLM_NO_CACHE=1``).

    python benchmarks/bench.py            # all of it (about two minutes)
    python benchmarks/bench.py --runs 5 --sizes 1000 10000

Nothing here is asserted: timings belong in a report, not in the test suite.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent

BARE_APP = '''
from typing import Annotated, Optional
import typer
app = typer.Typer()
@app.command("list")
def list_(domain: Annotated[Optional[list[str]], typer.Option("--domain")] = None,
          modality: Optional[list[str]] = None, type: Optional[list[str]] = None,
          backbone: Optional[list[str]] = None, size: Optional[list[str]] = None,
          min_size: Optional[str] = None, max_size: Optional[str] = None,
          year: Optional[list[int]] = None, since: Optional[int] = None, until: Optional[int] = None,
          kind: Optional[list[str]] = None, open_weights: Optional[bool] = None,
          sort: str = "name", reverse: bool = False, limit: Optional[int] = None,
          format: Optional[str] = None, json: bool = False,
          catalog: Optional[list[str]] = None, no_bundled: bool = False):
    print("[]")
@app.command()
def show(name: str):
    print("{}")
app()
'''


def sllm_cmd() -> list[str]:
    exe = shutil.which("sllm")
    return [exe] if exe else [sys.executable, "-m", "sllm"]


def run_once(cmd: list[str], env: dict | None = None) -> tuple[float, int]:
    """Wall time in seconds and peak resident memory in KiB of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss


def measure(cmd: list[str], runs: int, env: dict | None = None) -> tuple[float, float]:
    """Median wall time (ms) and median peak memory (MiB) over ``runs`` runs, after one warm-up."""
    run_once(cmd, env)
    samples = [run_once(cmd, env) for _ in range(runs)]
    return (statistics.median(s[0] for s in samples) * 1000, statistics.median(s[1] for s in samples) / 1024)


def synthetic(n: int, path: Path) -> None:
    """A catalog of ``n`` realistic records: bundled records with fresh ids and names."""
    from sllm.catalog import load

    base = [r.contract() for r in load(use_env=False).records]
    rng = random.Random(n)
    out = []
    for i in range(n):
        r = dict(rng.choice(base))
        r["id"] = f"{r['id']}-{i}"
        r["name"] = f"{r['name']} {i}"
        if r.get("citation"):
            r["citation"] = {**r["citation"], "key": f"{r['citation']['key']}{i}"}
        out.append(r)
    path.write_text(json.dumps(out, ensure_ascii=False), encoding="utf-8")


def settle(path: Path) -> None:
    """Wait until ``path`` is old enough for the cache to take it."""
    from sllm.cache import SETTLE_NS

    stat = path.stat()
    wait = (max(stat.st_mtime_ns, stat.st_ctime_ns) + SETTLE_NS - time.time_ns()) / 1e9
    if wait > 0:
        time.sleep(wait + 0.05)


def row(label: str, ms: float, mib: float | None = None, ratio: float | None = None, target: str = "") -> str:
    mem = f"{mib:8.1f}" if mib is not None else " " * 8
    rat = f"{ratio:6.2f}x" if ratio is not None else " " * 7
    return f"  {label:<58} {ms:9.1f} {mem}  {rat}  {target}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sllm start-up and scale benchmark")
    parser.add_argument("--runs", type=int, default=9, help="timed runs per command (median reported)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[1000, 10000, 100000])
    parser.add_argument("--synthetic", nargs=2, metavar=("N", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.synthetic:
        synthetic(int(args.synthetic[0]), Path(args.synthetic[1]))
        return 0

    sllm = sllm_cmd()
    py = sys.executable
    print(f"sllm benchmark, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
          f"{platform.machine()}, {os.cpu_count()} CPUs; median of {args.runs} runs")
    print(f"  {'command':<58} {'ms':>9} {'MiB':>8}  {'ratio':>7}  target")

    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        bare = folder / "bare_typer_app.py"
        bare.write_text(BARE_APP)
        # A cache of our own (the user's stays untouched), and one run with none.
        os.environ["SLLM_CACHE_DIR"] = str(folder / "cache")
        env = {**os.environ, "NO_COLOR": "1"}
        env.pop("SLLM_NO_CACHE", None)
        cold = {**env, "SLLM_NO_CACHE": "1"}
        # Written first (the cache takes a file once it has been unchanged for 2 s), and
        # by a child process: a parent grown by 100,000 records would make every
        # process it forks look that big (peak RSS counts the pages shared at fork).
        catalogs = {n: folder / f"catalog-{n}.json" for n in args.sizes}
        for n, path in catalogs.items():
            subprocess.run([py, __file__, "--synthetic", str(n), str(path)], check=True)

        print("start-up (bundled catalog)")
        floor, floor_mem = measure([py, "-c", "import typer, pydantic"], args.runs, env)
        bare_ms, bare_mem = measure([py, str(bare), "list", "--domain", "medicine", "--json"], args.runs, env)
        print(row("python -c 'import typer, pydantic'  (floor)", floor, floor_mem, 1.0))
        print(row("bare typer app, same options (framework)", bare_ms, bare_mem, bare_ms / floor))
        cases = [
            (["list", "--domain", "medicine", "--json"], "<= 1.3x floor"),
            (["show", "biomistral", "--json"], "<= 1.3x floor"),
            (["list", "--domain", "medicine"], "<= 1.6x floor"),
            (["cite", "biomistral"], "<= 2.0x floor"),
        ]
        for extra, target in cases:
            ms, mem = measure([*sllm, *extra], args.runs, env)
            print(row("sllm " + " ".join(extra), ms, mem, ms / floor, f"{target}; {ms / bare_ms:.2f}x bare app"))
        ms, mem = measure([*sllm, *cases[0][0]], args.runs, cold)
        print(row("  the same, validating every run (SLLM_NO_CACHE=1)", ms, mem, ms / floor))

        jq = shutil.which("jq")
        for n, path in catalogs.items():
            settle(path)
            print(f"scale: {n:,} records ({path.stat().st_size / 2**20:.1f} MiB of JSON)")
            base_ms, base_mem = measure([py, "-c", f"import json; json.load(open({str(path)!r}))"], args.runs, env)
            print(row("python -c 'import json; json.load(open(FILE))'", base_ms, base_mem, 1.0))
            query = [*sllm, "list", "--domain", "medicine", "--json", "--catalog", str(path), "--no-bundled"]
            ms, mem = measure(query, args.runs, env)
            print(row("sllm list --domain medicine --json --catalog FILE", ms, mem, ms / base_ms,
                      f"<= 1.5x time; memory {mem / base_mem:.2f}x (<= 1.5x)"))
            ms, mem = measure(query, args.runs, cold)
            print(row("  the same, validating every run (SLLM_NO_CACHE=1)", ms, mem, ms / base_ms,
                      f"memory {mem / base_mem:.2f}x"))
            if jq:
                jq_ms, jq_mem = measure([jq, "[.[] | select(.domains | index(\"medicine\"))]", str(path)], args.runs, env)
                print(row("jq '[.[] | select(.domains | index(\"medicine\"))]' FILE", jq_ms, jq_mem, jq_ms / base_ms))
        if args.sizes:  # last: it loads the largest catalog into this process
            resolution(catalogs[max(args.sizes)], args.runs)
    return 0


def resolution(path: Path, runs: int) -> None:
    """In-process cost of one name lookup over the catalog, as one CLI run pays it.

    The records are loaded and frozen as the CLI does; each lookup then builds the
    catalog's index afresh (a run resolves one or a few names), reading each file's
    normalized names from the cache as a warm run does.
    """
    import gc

    from sllm.catalog import load
    from sllm.resolve import ResolveError

    catalog = load([path], bundled=False, use_env=False)
    gc.freeze()
    catalog.index().columns()  # the first run writes the names to the cache
    rng = random.Random(7)
    picked = rng.sample(catalog.records, max(runs, 3))
    kinds = {
        "an id": [r.id for r in picked],
        "a name, any case and punctuation": [r.name.upper().replace(" ", "-") for r in picked],
        "a typo (fuzzy)": [r.name[:-1] + "#" for r in picked],
    }
    for label, queries in kinds.items():
        samples = []
        for q in queries:
            start = time.perf_counter()
            catalog._index = None
            try:
                catalog.index().resolve(q)
            except ResolveError:
                pass
            samples.append(time.perf_counter() - start)
        print(row(f"resolve {label} over {len(catalog.records):,} records", statistics.median(samples) * 1000,
                  None, None, "< 100 ms"))

if __name__ == "__main__":
    raise SystemExit(main())
