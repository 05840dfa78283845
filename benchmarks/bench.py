#!/usr/bin/env python3
"""policyx throughput benchmark: the pipeline against the raw-regex floor, scaling, start-up, memory, cache.

Builds a corpus of a given size by replicating ``corpus/`` (and ``../shared/html/`` when present)
under distinct names, then measures, as whole processes:

1. baseline: one process reads every file and runs two plain ``regex`` patterns over it;
2. ``policyx extract --jobs 1 --no-cache``: MB/s per core and the ratio to the baseline;
3. ``--jobs 2`` against ``--jobs 1``, run in turn (``--pairs``): the median of the pairwise speed-ups;
4. one corpus document, cold (a new process, ``--no-cache``), in turn with ``python -c "import regex"``:
   with the compiled rules already cached (every run but the first after installing or editing
   policyx or its rules), and first-ever (an empty cache: the rules are compiled, the cache filled);
5. peak RSS of a batch at two corpus sizes;
6. a second run on an unchanged corpus with the cache, against the first (at both sizes: the re-run is mostly
   the fixed start-up of a process, so its share shrinks as the corpus grows).

Every run uses a cache folder under the benchmark's temporary folder (``POLICYX_CACHE_DIR``),
never the user's.

Prints a table and writes ``benchmarks/results.json``. Usage: ``python benchmarks/bench.py [--mb 20]``.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
POLICYX = str(BIN / "policyx")

BASELINE = r"""
import sys, regex
from pathlib import Path
pats = [regex.compile(r"\d+(?:\.\d+)?%"), regex.compile(r"(?:到)?(20\d\d)年")]
n = 0
for p in sorted(Path(sys.argv[1]).iterdir()):
    text = p.read_bytes().decode("utf-8", "replace")
    for pat in pats:
        n += sum(1 for _ in pat.finditer(text))
print(n)
"""


def sources() -> list[Path]:
    files = sorted((ROOT / "corpus").glob("*.txt"))
    shared_html = ROOT.parent / "shared" / "html"
    if shared_html.is_dir():
        files += sorted(shared_html.glob("*.html"))
    return files


def build_corpus(dest: Path, megabytes: float) -> int:
    """Copies of the sources under distinct names until ``megabytes`` is reached; returns bytes.

    Each copy ends in its own run of trailing spaces, so no two files have the same bytes: the document
    cache must not serve one copy's result for another in a first run, as it would never do on a real corpus.
    Trailing white space is dropped by cleaning, so every copy's extraction is the same work.
    """
    dest.mkdir(parents=True, exist_ok=True)
    files = sources()
    total, i = 0, 0
    while total < megabytes * 1e6:
        src = files[i % len(files)]
        target = dest / f"{i:06d}_{src.name}"
        target.write_bytes(src.read_bytes() + b"\n" + b" " * (i // len(files) + 1))
        total += target.stat().st_size
        i += 1
    return total


def run(cmd: list[str], cache_home: Path | None = None) -> tuple[float, int]:
    """Wall seconds and peak RSS (KiB, the largest process of the tree) of one whole command."""
    env = dict(os.environ) if cache_home is None else dict(os.environ, POLICYX_CACHE_DIR=str(cache_home))
    # measure what an installed policyx costs: Python caches its bytecode unless this says not to
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    if os.waitstatus_to_exitcode(status) not in (0, 1):
        raise SystemExit(f"failed: {' '.join(cmd)}")
    return wall, usage.ru_maxrss


def best_of(n: int, cmd: list[str], fresh_cache: Path | None = None) -> tuple[float, int]:
    """Median wall seconds and largest RSS of ``n`` runs; with ``fresh_cache``, each run starts from an empty cache."""
    runs = [run(cmd, None if fresh_cache is None else fresh_cache / str(i)) for i in range(n)]
    return statistics.median(r[0] for r in runs), max(r[1] for r in runs)


def paired(n: int, cmd_a: list[str], cmd_b: list[str]) -> tuple[float, float, float, int]:
    """Runs A and B in turn ``n`` times: median wall of each, median of the pairwise ratios B/A, largest RSS of A.

    Taking the ratio pair by pair keeps a comparison honest when this shared machine's speed drifts.
    """
    a_runs, b_runs = [], []
    for _ in range(n):
        a_runs.append(run(cmd_a))
        b_runs.append(run(cmd_b))
    ratios = [b[0] / a[0] for a, b in zip(a_runs, b_runs, strict=True)]
    a_med = statistics.median(r[0] for r in a_runs)
    b_med = statistics.median(r[0] for r in b_runs)
    return a_med, b_med, statistics.median(ratios), max(r[1] for r in a_runs)


def extract_cmd(corpus: Path, out: Path, jobs: int, cache: str | None = None) -> list[str]:
    cmd = [POLICYX, "extract", str(corpus), "-o", str(out), "-q", "--jobs", str(jobs)]
    return cmd + (["--cache-dir", cache] if cache else ["--no-cache"])


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--mb", type=float, default=20.0, help="corpus size in MB (default 20)")
    ap.add_argument("--big-mb", type=float, default=100.0, help="second size for the memory check (default 100)")
    ap.add_argument("--repeat", type=int, default=9, help="runs per short measurement (median)")
    ap.add_argument("--pairs", type=int, default=3, help="alternating --jobs 1 / --jobs 2 runs (median)")
    ap.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results.json")
    args = ap.parse_args()

    with tempfile.TemporaryDirectory(prefix="policyx-bench-") as tmp:
        tmp_path = Path(tmp)
        os.environ["POLICYX_CACHE_DIR"] = str(tmp_path / "cache-home")  # compiled rules of the --no-cache runs
        small, big = tmp_path / "small", tmp_path / "big"
        size = build_corpus(small, args.mb)
        mb = size / 1e6
        one_doc = str(ROOT / "corpus" / "000_d432b4ee5b26c821.txt")
        one_cmd = [POLICYX, "extract", one_doc, "-o", str(tmp_path / "o3"), "-q", "--no-cache"]
        run(one_cmd)  # warm-up: bytecode and compiled rules written once, as after any first use
        base_s, _ = best_of(args.repeat, [sys.executable, "-c", BASELINE, str(small)])
        j2_s, j1_s, speedup, _ = paired(
            args.pairs, extract_cmd(small, tmp_path / "o2", 2), extract_cmd(small, tmp_path / "o1", 1)
        )
        _, j1_rss = run(extract_cmd(small, tmp_path / "o1", 1))
        cold_s, import_s, import_per_cold, _ = paired(args.repeat, one_cmd, [sys.executable, "-c", "import regex"])
        first_ever_s, _ = best_of(args.repeat, one_cmd, fresh_cache=tmp_path / "fresh")
        cache = str(tmp_path / "cache")
        first_s, _ = run(extract_cmd(small, tmp_path / "o4", 2, cache))
        again_s, _ = run(extract_cmd(small, tmp_path / "o5", 2, cache))
        build_corpus(big, args.big_mb)
        big_cache = str(tmp_path / "big-cache")
        big_first_s, big_rss = run(extract_cmd(big, tmp_path / "o6", 2, big_cache))
        big_again_s, _ = run(extract_cmd(big, tmp_path / "o8", 2, big_cache))
        _, small_rss2 = run(extract_cmd(small, tmp_path / "o7", 2))

    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "corpus_mb": round(mb, 1),
        "baseline_mb_s": round(mb / base_s, 1),
        "jobs1_mb_s": round(mb / j1_s, 2),
        "ratio_to_baseline": round(j1_s / base_s, 1),
        "jobs2_mb_s": round(mb / j2_s, 2),
        "jobs2_speedup": round(speedup, 2),
        "cold_one_doc_s": round(cold_s, 3),
        "cold_one_doc_first_ever_s": round(first_ever_s, 3),
        "import_regex_s": round(import_s, 3),
        # the machine's speed drifts; this ratio (paired runs) does not, so it tells a slow moment from a slow policyx
        "cold_per_import_regex": round(1 / import_per_cold, 1),
        "cache_rerun_fraction": round(again_s / first_s, 3),
        "cache_rerun_s": round(again_s, 3),
        "cache_rerun_fraction_big": round(big_again_s / big_first_s, 3),
        "cache_rerun_big_s": round(big_again_s, 3),
        "peak_rss_mib": {f"{args.mb:g}MB": round(small_rss2 / 1024, 1), f"{args.big_mb:g}MB": round(big_rss / 1024, 1)},
        "jobs1_peak_rss_mib": round(j1_rss / 1024, 1),
    }
    rows = [
        ("corpus", f"{results['corpus_mb']} MB ({results['machine']})"),
        ("1. baseline (2 regexes)", f"{results['baseline_mb_s']} MB/s"),
        ("2. extract --jobs 1", f"{results['jobs1_mb_s']} MB/s per core, {results['ratio_to_baseline']}× baseline"),
        ("3. extract --jobs 2", f"{results['jobs2_mb_s']} MB/s, {results['jobs2_speedup']}× --jobs 1"),
        (
            "4. one document, cold",
            f"{results['cold_one_doc_s']} s (python -c 'import regex': {import_s:.3f} s; "
            f"{results['cold_per_import_regex']}× that, run in turn)",
        ),
        ("   first-ever (empty cache)", f"{results['cold_one_doc_first_ever_s']} s"),
        ("5. peak RSS", ", ".join(f"{k}: {v} MiB" for k, v in results["peak_rss_mib"].items())),
        (
            "6. cached re-run",
            f"{results['cache_rerun_fraction'] * 100:.1f} % of the first run ({again_s:.2f} s); "
            f"{args.big_mb:g} MB: {results['cache_rerun_fraction_big'] * 100:.1f} % ({big_again_s:.2f} s)",
        ),
    ]
    width = max(len(r[0]) for r in rows)
    for name, value in rows:
        print(f"{name:<{width}}  {value}")
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    print(f"written: {args.out.relative_to(ROOT) if args.out.is_relative_to(ROOT) else args.out}")


if __name__ == "__main__":
    main()
