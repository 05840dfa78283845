"""``policyx check``: the CI gate for newly added documents, as a library.

For each document: it extracts without error, its JSON validates against the Document model that
``schemas/document.schema.json`` is generated from, the sanity rules of ``rules/checks.yaml`` hold, and,
when ``expected/<doc_id>.json`` exists, the output equals that accepted output record by record
(``update=True`` accepts the new output instead). Every finding points at ``line:col`` of the RAW file.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import orjson

from policyx.batch import collect_inputs, plan_jobs
from policyx.checks.changed import changed_files, within
from policyx.checks.config import CheckRules
from policyx.checks.findings import Finding
from policyx.checks.golden import diff_documents
from policyx.checks.rawpos import RawLocator
from policyx.checks.report import DocResult
from policyx.checks.sanity import check_schema, finding, run_sanity
from policyx.models import Document
from policyx.output import write_document
from policyx.pipeline import extract_document
from policyx.read import InputError
from policyx.rules import RuleError, RuleSet

DEFAULT_EXPECTED = Path("expected")


def _display(path: Path) -> str:
    """Relative to the working directory when under it: GitHub annotations want repository paths."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def select_inputs(
    paths: Sequence[str | os.PathLike[str]], rules: RuleSet, changed_since: str | None = None
) -> list[str]:
    """The documents to check: under ``paths``, and with ``changed_since`` only those git saw added or changed.

    Raises ``policyx.checks.changed.GitError`` when git cannot answer (a usage error).
    """
    if changed_since is None:
        return collect_inputs(paths, rules)
    changed = within(changed_files(changed_since), [Path(p) for p in paths])
    wanted = set(collect_inputs([p.parent for p in changed], rules)) if changed else set()
    # collect_inputs applies the suffix and hidden-folder filters; keep only the changed files it accepts
    keep = {Path(p).resolve() for p in wanted}
    return [_display(p) for p in changed if p in keep]


def _golden(
    data: dict[str, Any], doc: Document, cfg: CheckRules, expected_dir: Path, update: bool
) -> tuple[list[Finding], bool]:
    path = expected_dir / f"{doc.doc_id}.json"
    old: dict[str, Any] | None = None
    if path.is_file():
        try:
            old = orjson.loads(path.read_bytes())
        except orjson.JSONDecodeError as exc:
            if not update:
                c = cfg.golden
                return [finding(c, doc, kind="expected", key=str(path), change=f"not valid JSON: {exc}")], False
    if update:
        if old is None or diff_documents(old, data, cfg.golden.ignore_fields):
            write_document(expected_dir, data)
            return [], True
        return [], False
    if old is None:
        return [], False
    c = cfg.golden
    changes = diff_documents(old, data, c.ignore_fields)
    out = [
        finding(c, doc, ch.span, ch.quote, kind=ch.kind, key=repr(ch.key), change=ch.describe())
        for ch in changes[: c.max_reported]
    ]
    if len(changes) > c.max_reported:
        more = len(changes) - c.max_reported
        out.append(finding(c, doc, kind="document", key=doc.doc_id, change=f"{more} more changes not listed"))
    return out, False


def _raw_text(path: str, encoding: str) -> str:
    try:
        return Path(path).read_bytes().decode(encoding, errors="replace")
    except (OSError, LookupError):
        return ""


def _document_lines(path: str, fmt: str) -> tuple[str, list[tuple[int, int]]]:
    """A PDF's or .docx's text as its reader sees it and, for a PDF, where each line is: (page, line on it)."""
    from policyx import formats

    try:
        data = Path(path).read_bytes()
        if fmt == "docx":
            return formats.to_text("docx", data), []
        from policyx.formats.pdf import pdf_lines

        lines = pdf_lines(data)
    except (OSError, ValueError):
        return "", []
    pages, on_page, last = [], 0, 0
    for page, _ in lines:
        on_page = on_page + 1 if page == last else 1
        last = page
        pages.append((page, on_page))
    return "\n".join(text for _, text in lines), pages


def locate(findings: list[Finding], doc: Document) -> None:
    """Fill each finding's raw line:col from its quote (the raw file is read once, only when needed)."""
    placed = [f for f in findings if f.quote]
    if not placed:
        return
    pages: list[tuple[int, int]] = []  # a PDF: each line's (page, line on that page)
    if doc.source.format in ("pdf", "docx"):  # hook (policyx.formats): the lines the reader made are the raw text
        raw, pages = _document_lines(doc.source.path, doc.source.format)
    else:
        raw = _raw_text(doc.source.path, doc.source.encoding)
    locator = RawLocator(raw, len(doc.text))
    for f in placed:
        found = locator.line_col(f.quote, f.span)
        if found is not None:
            f.line, f.col = found
            if pages and f.line <= len(pages):
                f.page, f.line = pages[f.line - 1]


def check_file(
    path: str, doc_id: str, rules: RuleSet, *, expected_dir: Path | None = DEFAULT_EXPECTED, update: bool = False
) -> DocResult:
    cfg = rules.get(CheckRules)
    try:
        doc = extract_document(path, rules=rules)
    except RuleError:  # a broken rule file is the setup's error, not this document's: one line, exit 2
        raise
    except Exception as exc:  # any failure is this document's finding: the gate itself never falls over
        reason = str(exc) if isinstance(exc, InputError) else f"internal error: {type(exc).__name__}: {exc}"
        c = cfg.extract
        msg = c.message.format(error=reason.splitlines()[0] if reason else type(exc).__name__)
        return DocResult(path, doc_id, [Finding(c.id, c.severity, msg, path, doc_id)])
    doc = doc.model_copy(update={"doc_id": doc_id})
    data = doc.model_dump(mode="json")
    findings = check_schema(data, doc, cfg) + run_sanity(doc, cfg)
    updated = False
    if expected_dir is not None:
        golden, updated = _golden(data, doc, cfg, expected_dir, update)
        findings += golden
    locate(findings, doc)
    findings.sort(key=lambda f: (f.line is not None, f.line or 0, f.col or 0))
    return DocResult(path, doc_id, findings, updated)


def check_paths(
    paths: Sequence[str], rules: RuleSet, *, expected_dir: Path | None = DEFAULT_EXPECTED, update: bool = False
) -> list[DocResult]:
    """Check every document; ids as ``policyx extract`` gives them (two files of one id are both errors, so
    ``--update`` never lets one accepted output overwrite another's)."""
    results = []
    for job in plan_jobs(list(paths)):
        if job.error is not None:
            c = rules.get(CheckRules).extract
            finding = Finding(c.id, c.severity, c.message.format(error=job.error), job.path, job.doc_id)
            results.append(DocResult(job.path, job.doc_id, [finding]))
            continue
        results.append(check_file(job.path, job.doc_id, rules, expected_dir=expected_dir, update=update))
    return results
