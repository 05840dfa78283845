"""Print findings as text (``file:line:col: severity rule: message``), JSON, or GitHub workflow commands."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal

import orjson

from policyx.checks.findings import Finding
from policyx.output import printable

Format = Literal["text", "json", "github"]


@dataclass(slots=True)
class DocResult:
    path: str
    doc_id: str
    findings: list[Finding]
    updated: bool = False  # --update wrote expected/<doc_id>.json


def counts(results: Sequence[DocResult]) -> dict[str, int]:
    errors = sum(f.severity == "error" for r in results for f in r.findings)
    warnings = sum(f.severity == "warning" for r in results for f in r.findings)
    return {"documents": len(results), "errors": errors, "warnings": warnings}


def _plural(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def format_text(results: Sequence[DocResult]) -> str:
    lines = [printable(f"{f.where}: {f.severity} {f.rule}: {f.message}") for r in results for f in r.findings]
    lines += [f"{printable(r.path)}: updated the expected output" for r in results if r.updated]
    c = counts(results)
    lines.append(
        f"checked {_plural(c['documents'], 'document')}: "
        f"{_plural(c['errors'], 'error')}, {_plural(c['warnings'], 'warning')}"
    )
    return "\n".join(lines) + "\n"


def _finding_json(f: Finding) -> dict[str, Any]:
    return {
        "path": f.path,
        "line": f.line,
        "col": f.col,
        "page": f.page,
        "severity": f.severity,
        "rule": f.rule,
        "message": f.message,
        "span": list(f.span) if f.span else None,
        "doc_id": f.doc_id,
    }


def format_json(results: Sequence[DocResult]) -> str:
    data = {
        "summary": counts(results),
        "documents": [
            {
                "path": r.path,
                "doc_id": r.doc_id,
                "updated": r.updated,
                "findings": [_finding_json(f) for f in r.findings],
            }
            for r in results
        ],
    }
    return orjson.dumps(data, option=orjson.OPT_INDENT_2).decode() + "\n"


def _escape_data(s: str) -> str:
    # control characters other than CR/LF (an escape sequence in a file name) are shown as escapes in the log
    return printable(s.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A"))


def _escape_property(s: str) -> str:
    return _escape_data(s).replace(":", "%3A").replace(",", "%2C")


def format_github(results: Sequence[DocResult]) -> str:
    """``::error file=…,line=…,col=…,title=…::message``: annotations on the pull request's files."""
    lines = []
    for r in results:
        for f in r.findings:
            props = [f"file={_escape_property(f.path)}"]
            if f.line is not None and f.page is None:  # a PDF's page and line are not the file's lines
                props += [f"line={f.line}", f"col={f.col}"]
            props.append(f"title={_escape_property(f.rule)}")
            lines.append(f"::{f.severity} {','.join(props)}::{_escape_data(f.message)}")
    c = counts(results)
    lines.append(
        f"checked {_plural(c['documents'], 'document')}: {_plural(c['errors'], 'error')}, "
        f"{_plural(c['warnings'], 'warning')}"
    )
    return "\n".join(lines) + "\n"


FORMATTERS = {"text": format_text, "json": format_json, "github": format_github}


def exit_status(results: Sequence[DocResult], strict: bool) -> int:
    c = counts(results)
    return 1 if c["errors"] or (strict and c["warnings"]) else 0
