#!/usr/bin/env python3
"""Throughput by input format, in one process on one core: text, HTML, DOCX and PDF (pages per second).

The PDF and DOCX inputs are the corpus seeds written by ``tests/docfixtures.py`` (python-docx and reportlab,
the dev extra): one and two columns, a running header, page numbers, the indicator table of 001 ruled.

``--compare`` also times the PDF libraries that were candidates (whichever are installed: pypdfium2,
pdfminer.six, pdfplumber, pypdf) on the same multi-page Chinese PDF, text layer only, and says whether
each gives the indicator table's rows back as rows. Writes ``benchmarks/formats.json``.
Usage: ``python benchmarks/formats.py [--compare] [--repeat 3]``.
"""

from __future__ import annotations

import argparse
import io
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from docfixtures import layout, to_docx, to_pdf  # noqa: E402
from policyx.pipeline import extract_document  # noqa: E402
from policyx.rules import ruleset_for  # noqa: E402

ROW = ("城乡基本养老保险参保缴费率(%)", "≥90", "预期性")  # one indicator row of 001, cells that must stay apart


def _timed(fn: Callable[[], object], repeat: int) -> float:
    runs = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - start)
    return statistics.median(runs)


def _pages(data: bytes) -> int:
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(data)
    try:
        return len(pdf)
    finally:
        pdf.close()


def throughput(repeat: int) -> dict[str, dict[str, float]]:
    rules = ruleset_for()
    seeds = sorted((ROOT / "corpus").glob("*.txt"))
    html = sorted((ROOT.parent / "shared" / "html").glob("*.html"))[:10]
    out: dict[str, dict[str, float]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        dressed: dict[str, list[Path]] = {"text": seeds, "html": html, "docx": [], "pdf (1 column)": [],
                                          "pdf (2 columns)": []}
        pages = {"pdf (1 column)": 0, "pdf (2 columns)": 0}
        for seed in seeds:
            blocks = layout(seed, ("indicator", "other"))
            dresses = (("docx", to_docx(blocks), ".docx"), ("pdf (1 column)", to_pdf(blocks, 1), ".pdf"),
                       ("pdf (2 columns)", to_pdf(blocks, 2), ".pdf"))
            for kind, data, suffix in dresses:
                path = Path(tmp) / f"{kind[:3]}{kind[-3:-1]}_{seed.stem}{suffix}"
                path.write_bytes(data)
                dressed[kind].append(path)
                if kind in pages:
                    pages[kind] += _pages(data)
        for kind, paths in dressed.items():
            if not paths:
                continue
            seconds = _timed(lambda paths=paths: [extract_document(p, rules=rules) for p in paths], repeat)
            mb = sum(p.stat().st_size for p in paths) / 1e6
            row = {"documents": len(paths), "seconds": round(seconds, 3), "docs_per_s": round(len(paths) / seconds, 2),
                   "mb_per_s": round(mb / seconds, 3)}
            if kind in pages:
                row["pages"] = pages[kind]
                row["pages_per_s"] = round(pages[kind] / seconds, 1)
            out[kind] = row
    return out


def _has_row(text: str) -> bool:
    """The row's cells on one line, apart (TAB or spaces between them)."""
    return any(all(c in line for c in ROW) and "参保缴费率(%)≥90" not in line.replace(" ", "")
               for line in text.splitlines())


def compare(repeat: int) -> dict[str, dict[str, object]]:
    data = to_pdf(layout(ROOT / "corpus" / "001_1add88e18a025895.txt", ("indicator", "other")), 1)
    pages = _pages(data)
    libs: dict[str, Callable[[], str]] = {}
    try:
        import pypdfium2 as pdfium

        def pdfium_plain() -> str:
            pdf = pdfium.PdfDocument(data)
            text = "\n".join(pdf[i].get_textpage().get_text_range() for i in range(len(pdf)))
            pdf.close()
            return text

        libs["pypdfium2 (get_text_range)"] = pdfium_plain
        from policyx.formats.pdf import pdf_text

        libs["pypdfium2 + policyx layout (chosen)"] = lambda: pdf_text(data)
    except ImportError:
        pass
    try:
        from pdfminer.high_level import extract_text

        libs["pdfminer.six (extract_text)"] = lambda: extract_text(io.BytesIO(data))
    except ImportError:
        pass
    try:
        import pdfplumber

        def plumber() -> str:
            lines = []
            with pdfplumber.open(io.BytesIO(data)) as pdf:
                for page in pdf.pages:
                    lines.append(page.extract_text() or "")
                    for table in page.extract_tables():
                        lines += ["\t".join(c or "" for c in row) for row in table]
            return "\n".join(lines)

        libs["pdfplumber (extract_text + extract_tables)"] = plumber
    except ImportError:
        pass
    try:
        from pypdf import PdfReader

        libs["pypdf (extract_text)"] = lambda: "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages)
    except ImportError:
        pass
    out: dict[str, dict[str, object]] = {}
    for name, fn in libs.items():
        seconds = _timed(fn, repeat)
        text = fn()
        out[name] = {"pages": pages, "seconds": round(seconds, 3), "pages_per_s": round(pages / seconds, 1),
                     "table_row_kept": _has_row(text), "chars": len(text)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--compare", action="store_true", help="also time the candidate PDF libraries installed")
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    results: dict[str, object] = {"throughput": throughput(args.repeat)}
    print(f"{'format':<18}{'docs':>6}{'pages':>7}{'s':>8}{'docs/s':>9}{'pages/s':>9}{'MB/s':>8}")
    for kind, row in results["throughput"].items():  # type: ignore[union-attr]
        print(f"{kind:<18}{row['documents']:>6}{row.get('pages', ''):>7}{row['seconds']:>8}{row['docs_per_s']:>9}"
              f"{row.get('pages_per_s', ''):>9}{row['mb_per_s']:>8}")
    if args.compare:
        results["pdf_libraries"] = compare(args.repeat)
        print(f"\n{'PDF library (001 as a ' + 'PDF)':<45}{'pages':>6}{'s':>8}{'pages/s':>9}  table row kept")
        for name, row in results["pdf_libraries"].items():  # type: ignore[union-attr]
            print(f"{name:<45}{row['pages']:>6}{row['seconds']:>8}{row['pages_per_s']:>9}  {row['table_row_kept']}")
    (ROOT / "benchmarks" / "formats.json").write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
