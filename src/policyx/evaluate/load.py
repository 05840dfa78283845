"""Reading what is scored: gold YAML files, extracted JSON files, or documents extracted on the fly.

Documents meet their gold file by the stem of the source file name (``000_x.txt`` ↔ ``000_x.yaml``'s
``doc: 000_x.txt``), whatever the output file is called.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

import yaml

from policyx.evaluate.match import Obj
from policyx.rules import RuleSet

OnError = Callable[[str, str], None]


class GoldError(ValueError):
    """A gold folder or file that cannot be read; the message is one line."""


def load_gold(gold_dir: Path) -> dict[str, Obj]:
    """Every ``*.yaml`` of the folder, in name order, keyed by the stem of its ``doc``."""
    if not gold_dir.is_dir():
        raise GoldError(f"{gold_dir}: not a folder")
    golds: dict[str, Obj] = {}
    for path in sorted(gold_dir.glob("*.yaml")):
        try:
            gold = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            raise GoldError(f"{path}: not valid YAML ({exc.__class__.__name__})") from None
        if not isinstance(gold, dict) or not gold.get("doc"):
            raise GoldError(f"{path}: a gold file is a mapping with a 'doc' key")
        stem = Path(str(gold["doc"])).stem
        if stem in golds:
            raise GoldError(f"{path}: a second gold file for {gold['doc']}")
        golds[stem] = gold
    return golds


def source_stem(doc: Obj) -> str:
    return Path((doc.get("source") or {}).get("path") or "").stem


def load_outputs(out_dir: Path) -> dict[str, Obj]:
    """The extracted documents keyed by their source stem; unreadable files are skipped. A batch folder is
    read through its manifest (its ``ok`` entries: a stale output is not scored); a folder without one, as
    every ``*.json`` in it."""
    from policyx.output import manifest_documents

    docs: dict[str, Obj] = {}
    listed = manifest_documents(out_dir)
    for path in sorted(out_dir.glob("*.json")) if listed is None else listed:
        if path.name == "manifest.json":
            continue
        try:
            doc: Any = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError):
            continue
        if isinstance(doc, dict):
            docs[source_stem(doc)] = doc
    return docs


def extract_outputs(
    paths: Iterable[str], stems: set[str], rules: RuleSet, on_error: OnError | None = None
) -> dict[str, Obj]:
    """Run the pipeline over the inputs whose stem has a gold file; a failing input is reported and skipped."""
    from policyx.pipeline import extract_document
    from policyx.read import InputError

    docs: dict[str, Obj] = {}
    for path in paths:
        if Path(path).stem not in stems:
            continue
        try:
            doc = extract_document(path, rules=rules).model_dump(mode="json")
        except InputError as exc:
            if on_error:
                on_error(path, str(exc))
            continue
        docs[source_stem(doc)] = doc
    return docs
