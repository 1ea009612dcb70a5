#!/usr/bin/env python3
"""Start-up and scale benchmark for sllm: what a user pays, measured side by side in one run.

Every command runs as a whole process; the commands compared with each other run
in turn, round after round, so that a noisy machine slows them alike. The report
gives medians and the ratios the project's targets are stated in:

* start-up with a bundled catalog of today's size, 1,000 and 2,000 records, against
  the framework floor ``python -c "import typer, pydantic"``. Each size is a copy
  of the package as a wheel installs it (the catalog files and the validated pack
  made from them at build time, by the same function the build hook calls), run
  by a launcher like the one pip writes; extra records are synthetic. The first
  run after installation (an empty cache folder before every run) is shown
  against a warm one.
* scale on synthetic catalogs of 10,000 and 100,000 records given with
  ``--catalog`` (as a user passes them, the bundled catalog included), against
  ``python -c "import json; json.load(open(FILE))"``: time and peak memory, warm,
  and cold (the first run after the file changed: validating it; the cache folder
  is emptied before every run). The cold run's cache entry is written by a child
  that outlives the command: the report gives when it was ready, and the next
  command starts only then, so the writer never slows what is measured.
* name resolution over the 100,000-record catalog, in process.

Synthetic records are bundled records with every free-text value made unique
(names, titles, authors, URLs, notes): copies that share their strings would load
faster than any real catalog, because shared strings are stored once.

    python benchmarks/bench.py            # all of it (about ten minutes)
    python benchmarks/bench.py --runs 5 --bundled 367 --sizes 10000

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
SRC = HERE.parent / "src" / "sllm"
CATALOG = HERE.parent / "catalog"

LAUNCHER = "import sys\nfrom sllm.entry import main\nsys.exit(main())\n"
BUILD_PACK = (
    "import sys; from pathlib import Path\n"
    "from sllm.catalog import PACK_NAME, build_bundled_pack, bundled_files\n"
    "files = bundled_files(); (files[0].parent / PACK_NAME).write_bytes(build_bundled_pack(files))\n"
)
#: Fields whose values are vocabulary or checked patterns, kept as they are.
_KEEP = {"id", "kind", "domains", "modalities", "architecture", "type", "arxiv", "doi", "eprint", "year",
         "parameters", "active_parameters", "open_weights", "verified", "evidence", "label", "archiveprefix",
         "month", "unverified", "access", "license", "languages"}


def _vary(value, n: int, field: str = ""):
    """``value`` with every free-text string made unique to copy ``n``."""
    if field in _KEEP:
        return value
    if isinstance(value, str):
        if value.startswith(("http://", "https://")):
            return f"{value}{'&' if '?' in value else '?'}copy={n}"
        if field == "key":
            return f"{value}{n}"
        return f"{value} {n}"
    if isinstance(value, list):
        return [_vary(v, n, field) for v in value]
    if isinstance(value, dict):
        return {k: _vary(v, n, k if field not in ("notes",) else "") for k, v in value.items()}
    return value


def synthetic(n: int, path: Path, seed: int = 0) -> None:
    """A catalog of ``n`` realistic records: bundled records with fresh ids and unique text."""
    base = []
    for f in sorted(CATALOG.glob("*.json")):
        base.extend(json.loads(f.read_text(encoding="utf-8")))
    rng = random.Random(seed or n)
    out = []
    for i in range(n):
        r = _vary(rng.choice(base), i)
        r["id"] = f"{r['id']}-x{i}"
        out.append(r)
    path.write_text(json.dumps(out, ensure_ascii=False, indent=1), encoding="utf-8")


def bundled_count() -> int:
    """How many records the bundled catalog has (counted in a child, to keep this process small)."""
    code = ("import json, pathlib; print(sum(len(json.loads(p.read_text(encoding='utf-8'))) "
            f"for p in pathlib.Path({str(CATALOG)!r}).glob('*.json')))")
    return int(subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout)


def installed_copy(root: Path, extra: int) -> Path:
    """The package as a wheel installs it, with ``extra`` synthetic records bundled; returns the launcher."""
    shutil.copytree(SRC, root / "sllm", ignore=shutil.ignore_patterns("__pycache__"))
    data = root / "sllm" / "data"
    data.mkdir()
    for f in CATALOG.glob("*.json"):
        shutil.copy(f, data / f.name)
    shutil.copytree(CATALOG / "registry", data / "registry")
    if extra:  # in a child: a parent grown by the records would inflate every later child's peak RSS
        subprocess.run([sys.executable, __file__, "--synthetic", str(extra), str(data / "synthetic.json")], check=True)
    env = {**os.environ, "PYTHONPATH": str(root)}
    subprocess.run([sys.executable, "-c", BUILD_PACK], check=True, env=env)
    launcher = root / "sllm-launcher.py"
    launcher.write_text(LAUNCHER)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(root)], check=True)
    return launcher


def run_once(cmd: list[str], env: dict) -> tuple[float, int]:
    """Wall time in seconds and peak resident memory in KiB of one process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) != 0:
        raise SystemExit(f"command failed: {' '.join(cmd)}")
    return elapsed, usage.ru_maxrss


class Case:
    def __init__(self, label: str, cmd: list[str], env: dict, before=None, after=None):
        self.label, self.cmd, self.env, self.before, self.after = label, cmd, env, before, after
        self.samples: list[tuple[float, int]] = []
        #: What ``after`` measured once the command had exited (seconds), per round.
        self.later: list[float] = []

    @property
    def ms(self) -> float:
        return statistics.median(s[0] for s in self.samples) * 1000

    @property
    def mib(self) -> float:
        return statistics.median(s[1] for s in self.samples) / 1024


def side_by_side(cases: list[Case], runs: int) -> None:
    """One warm-up each, then ``runs`` rounds in which every case runs once, in turn."""
    for rnd in range(runs + 1):
        for case in cases:
            if case.before:
                case.before()
            sample = run_once(case.cmd, case.env)
            later = case.after() if case.after else None
            if rnd:
                case.samples.append(sample)
                if later is not None:
                    case.later.append(later)


def row(label: str, ms: float, mib: float | None = None, ratio: float | None = None, target: str = "") -> str:
    mem = f"{mib:8.1f}" if mib is not None else " " * 8
    rat = f"{ratio:6.2f}x" if ratio is not None else " " * 7
    return f"  {label:<56} {ms:9.1f} {mem}  {rat}  {target}"


def verdict(value: float, limit: float) -> str:
    return "ok" if value <= limit else "OVER"


def wiper(folder: Path):
    def wipe() -> None:
        shutil.rmtree(folder, ignore_errors=True)

    return wipe


def entry_written(folder: Path, timeout: float = 300.0):
    """How long after the command exited its cache entry appeared: the first run after a
    file changed writes it from a child that outlives the command. Waiting also keeps that
    writer from competing with the next command measured."""
    def wait() -> float:
        start = time.perf_counter()
        while time.perf_counter() - start < timeout:
            if any(folder.glob("*.pack")) and not any(folder.glob(".tmp-*")):
                return time.perf_counter() - start
            time.sleep(0.002)
        raise SystemExit(f"no cache entry appeared in {folder}")

    return wait


def startup(folder: Path, sizes: list[int], runs: int, env: dict) -> None:
    py = sys.executable
    bundled_now = bundled_count()
    extra = folder / "user-700.json"  # written first: the cache takes it once it is two seconds old
    subprocess.run([py, __file__, "--synthetic", "700", str(extra)], check=True)
    copies = {}
    for n in sizes:
        copies[n] = installed_copy(folder / f"site-{n}", max(0, n - bundled_now))
    floor = Case("python -c 'import typer, pydantic'  (floor)", [py, "-c", "import typer, pydantic"], env)
    complete_env = {**env, "_SLLM_COMPLETE": "complete_bash", "COMP_WORDS": "sllm show bio", "COMP_CWORD": "2"}
    groups = []
    for n, launcher in copies.items():
        cache = folder / f"cache-{n}"
        warm = {**env, "SLLM_CACHE_DIR": str(cache)}
        first = {**env, "SLLM_CACHE_DIR": str(folder / f"fresh-{n}")}
        sllm = [py, str(launcher)]
        cases = [
            (Case("sllm list --domain medicine --json", [*sllm, "list", "--domain", "medicine", "--json"], warm), 1.15),
            (Case("sllm list --domain medicine --format csv", [*sllm, "list", "-d", "medicine", "-f", "csv"], warm), 1.15),
            (Case("sllm show biomistral --json", [*sllm, "show", "biomistral", "--json"], warm), 1.15),
            (Case("sllm list --domain medicine  (table)", [*sllm, "list", "--domain", "medicine"], warm), 1.3),
            (Case("sllm cite biomistral", [*sllm, "cite", "biomistral"], warm), 1.6),
            (Case("completion: sllm show bio<TAB>", sllm, {**complete_env, "SLLM_CACHE_DIR": str(cache)}), 1.2),
        ]
        if n == bundled_now:  # the same command with 700 records of the user's own (cache warm)
            cases.insert(1, (Case("sllm list --domain medicine --json --catalog FILE(700)",
                                  [*sllm, "list", "--domain", "medicine", "--json", "--catalog", str(extra)], warm),
                             1.15))
        first_run = Case("  list --json, first run after install (empty cache)",
                         [*sllm, "list", "--domain", "medicine", "--json"], first, wiper(folder / f"fresh-{n}"))
        groups.append((n, cases, first_run))
    for n, cases, first_run in groups:
        side_by_side([floor, *(c for c, _ in cases), first_run], runs)
        print(f"start-up, bundled catalog of {n:,} records (installed, with its pack)")
        print(row(floor.label, floor.ms, floor.mib, 1.0))
        for case, limit in cases:
            ratio = case.ms / floor.ms
            print(row(case.label, case.ms, case.mib, ratio, f"<= {limit:.2f}x floor: {verdict(ratio, limit)}"))
        warm_ms = cases[0][0].ms
        print(row(first_run.label, first_run.ms, first_run.mib, first_run.ms / floor.ms,
                  f"{first_run.ms / warm_ms:.2f}x warm (<= 1.3x): {verdict(first_run.ms / warm_ms, 1.3)}"))
        floor.samples.clear()


def scale(folder: Path, sizes: list[int], runs: int, env: dict) -> Path | None:
    py = sys.executable
    launcher = installed_copy(folder / "site-scale", 0)
    sllm = [py, str(launcher)]
    jq = shutil.which("jq")
    largest = None
    for n in sizes:
        path = folder / f"catalog-{n}.json"
        subprocess.run([py, __file__, "--synthetic", str(n), str(path)], check=True)
        largest = path
        time.sleep(2.1)  # the cache takes a file once it has been unchanged for two seconds
        cache = folder / f"cache-scale-{n}"
        warm_env = {**env, "SLLM_CACHE_DIR": str(cache)}
        cold_env = {**env, "SLLM_CACHE_DIR": str(folder / f"cold-{n}")}
        query = [*sllm, "list", "--domain", "medicine", "--json", "--catalog", str(path)]
        base = Case("python -c 'import json; json.load(open(FILE))'",
                    [py, "-c", f"import json; json.load(open({str(path)!r}))"], env)
        warm = Case("sllm list --domain medicine --json --catalog FILE", query, warm_env)
        cold = Case("  the same, first run after the file changed", query, cold_env, wiper(folder / f"cold-{n}"),
                    entry_written(folder / f"cold-{n}"))
        cases = [base, warm, cold]
        if jq:
            cases.append(Case("jq '[.[] | select(.domains | index(\"medicine\"))]' FILE",
                              [jq, '[.[] | select(.domains | index("medicine"))]', str(path)], env))
        side_by_side(cases, runs)
        print(f"scale: {n:,} records ({path.stat().st_size / 2**20:.1f} MiB of JSON)")
        print(row(base.label, base.ms, base.mib, 1.0))
        t, m = warm.ms / base.ms, warm.mib / base.mib
        print(row(warm.label, warm.ms, warm.mib, t,
                  f"<= 1.2x: {verdict(t, 1.2)}; memory {m:.2f}x (<= 1.0x): {verdict(m, 1.0)}"))
        t, m = cold.ms / base.ms, cold.mib / base.mib
        print(row(cold.label, cold.ms, cold.mib, t,
                  f"<= 1.5x: {verdict(t, 1.5)}; memory {m:.2f}x (<= 1.5x): {verdict(m, 1.5)}"))
        ready = statistics.median(cold.later) * 1000
        print(row("    its cache entry, written in the background: ready after", ready, None, None,
                  f"{ready:.0f} ms after the command exited"))
        if jq:
            print(row(cases[3].label, cases[3].ms, cases[3].mib, cases[3].ms / base.ms))
        shutil.rmtree(folder / f"cold-{n}", ignore_errors=True)
    return largest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="sllm start-up and scale benchmark")
    parser.add_argument("--runs", type=int, default=11, help="rounds per group (median reported)")
    parser.add_argument("--bundled", type=int, nargs="*", default=[0, 1000, 2000],
                        help="bundled catalog sizes (0: today's catalog)")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10000, 100000])
    parser.add_argument("--scale-runs", type=int, default=5, help="rounds for the scale cases")
    parser.add_argument("--synthetic", nargs=2, metavar=("N", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.synthetic:
        synthetic(int(args.synthetic[0]), Path(args.synthetic[1]))
        return 0

    bundled_now = bundled_count()
    sizes = [n or bundled_now for n in args.bundled]
    from importlib.metadata import version  # not the modules: a big parent inflates its children's peak RSS

    print(f"sllm benchmark, {time.strftime('%Y-%m-%d')}, Python {platform.python_version()}, "
          f"typer {version('typer')}, pydantic {version('pydantic')}, {platform.machine()}, "
          f"{os.cpu_count()} CPUs; medians of {args.runs} rounds ({args.scale_runs} for scale), side by side")
    print(f"  {'command':<56} {'ms':>9} {'MiB':>8}  {'ratio':>7}  target")
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        env = {k: v for k, v in os.environ.items() if k not in ("SLLM_NO_CACHE", "SLLM_CATALOG", "PYTHONPATH")}
        env.update({"NO_COLOR": "1", "SLLM_CACHE_DIR": str(folder / "cache")})
        if sizes:
            startup(folder, sizes, args.runs, env)
        largest = scale(folder, args.sizes, args.scale_runs, env) if args.sizes else None
        if largest is not None:  # last: it loads the largest catalog into this process
            resolution(largest, folder / "cache-scale-resolve", args.runs)
    return 0


def resolution(path: Path, cache: Path, runs: int) -> None:
    """In-process cost of one name lookup over the catalog, as one CLI run pays it.

    The catalog is loaded from its pack and frozen as the CLI does; each lookup
    then builds the catalog's index afresh (a run resolves one or a few names).
    """
    import gc

    os.environ["SLLM_CACHE_DIR"] = str(cache)
    sys.path.insert(0, str(SRC.parent))
    from sllm import cache as caching
    from sllm.catalog import load
    from sllm.resolve import ResolveError

    caching.SETTLE_NS = 0
    load([path], bundled=False, use_env=False)  # writes the cache
    catalog = load([path], bundled=False, use_env=False)
    gc.freeze()
    rng = random.Random(7)
    picked = [catalog.records[i] for i in rng.sample(range(len(catalog.records)), max(runs, 3))]
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
