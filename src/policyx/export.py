"""``policyx export``: the documents of an extraction folder as one database (SQLite, CSV or Parquet).

The folder is read through its ``manifest.json`` (the entries with status ``ok``), never by a glob, and every
document is validated with the pydantic ``Document`` model. The records go into an SQLite database first: one
table per record kind with typed columns, primary keys ``(doc_id, id)`` and foreign keys between them, plus views
that join what an analyst asks first (``targets_v``: one row per target with region, issue date, section title
and lead department). CSV and Parquet are dumps of that database, a file per table and per view, so the three
formats hold the same rows.

Lists of names (a responsibility's units, a target's responsible units) are joined with ``"; "`` in a
cell: ``、`` cannot separate them because it occurs inside a name (``各县(市、区)``). One row per unit is in
``responsibility_units``.
"""

from __future__ import annotations

import csv
import json
import os
import sqlite3
import tempfile
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

import orjson
from pydantic import ValidationError

from policyx.models import Document, Manifest, Responsibility, Target

ExportFormat = Literal["sqlite", "csv", "parquet"]
JOIN = "; "  # between the names of a list in one cell (see the module docstring)

_RECORD = """doc_id TEXT NOT NULL REFERENCES documents (doc_id),
  id TEXT NOT NULL,
  section_id TEXT,
  span_start INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  quote TEXT NOT NULL,
  rule TEXT NOT NULL,"""
_RECORD_KEYS = """PRIMARY KEY (doc_id, id),
  FOREIGN KEY (doc_id, section_id) REFERENCES sections (doc_id, id)"""
_QUANTITY = """indicator TEXT NOT NULL,
  indicator_key TEXT,
  value REAL NOT NULL,
  value_max REAL,
  unit TEXT NOT NULL,
  comparator TEXT NOT NULL CHECK (comparator IN ('=', '>=', '>', '<=', '<', '~')),"""

#: table name → CREATE TABLE statement, in an order where every key a table refers to is created before it
TABLES: dict[str, str] = {
    "documents": """CREATE TABLE documents (
  doc_id TEXT PRIMARY KEY,
  title TEXT,
  region TEXT,
  province TEXT,
  issuer TEXT,
  doc_number TEXT,
  issued_on TEXT,  -- YYYY-MM-DD
  doc_type TEXT,
  source_path TEXT NOT NULL,
  sha256 TEXT NOT NULL,
  encoding TEXT NOT NULL,
  format TEXT NOT NULL,
  schema_version TEXT NOT NULL,
  text_chars INTEGER NOT NULL
)""",
    "texts": """CREATE TABLE texts (
  doc_id TEXT PRIMARY KEY REFERENCES documents (doc_id),
  text TEXT NOT NULL  -- every span_start/span_end indexes into it (substr(text, span_start + 1, span_end - span_start))
)""",
    "meta_fields": """CREATE TABLE meta_fields (
  doc_id TEXT NOT NULL REFERENCES documents (doc_id),
  label TEXT NOT NULL,
  value TEXT NOT NULL,
  PRIMARY KEY (doc_id, label)
)""",
    "sections": """CREATE TABLE sections (
  doc_id TEXT NOT NULL REFERENCES documents (doc_id),
  id TEXT NOT NULL,
  parent_id TEXT,
  level INTEGER NOT NULL,
  number TEXT,
  title TEXT NOT NULL,
  span_start INTEGER NOT NULL,
  span_end INTEGER NOT NULL,
  rule TEXT NOT NULL,
  PRIMARY KEY (doc_id, id),
  FOREIGN KEY (doc_id, parent_id) REFERENCES sections (doc_id, id)
)""",
    "responsibilities": f"""CREATE TABLE responsibilities (
  {_RECORD}
  units TEXT NOT NULL,
  lead TEXT,
  lead_keys TEXT,
  n_units INTEGER NOT NULL,
  {_RECORD_KEYS}
)""",
    "responsibility_units": """CREATE TABLE responsibility_units (
  doc_id TEXT NOT NULL,
  responsibility_id TEXT NOT NULL,
  position INTEGER NOT NULL,
  unit TEXT NOT NULL,
  unit_key TEXT,
  is_lead INTEGER NOT NULL CHECK (is_lead IN (0, 1)),
  PRIMARY KEY (doc_id, responsibility_id, position),
  FOREIGN KEY (doc_id, responsibility_id) REFERENCES responsibilities (doc_id, id)
)""",
    "targets": f"""CREATE TABLE targets (
  {_RECORD}
  {_QUANTITY}
  year INTEGER,
  recurring TEXT,
  baseline_value REAL,
  baseline_year INTEGER,
  binding TEXT,
  responsible TEXT,
  responsibility_id TEXT,
  {_RECORD_KEYS},
  FOREIGN KEY (doc_id, responsibility_id) REFERENCES responsibilities (doc_id, id)
)""",
    "statistics": f"""CREATE TABLE statistics (
  {_RECORD}
  {_QUANTITY}
  as_of TEXT,
  {_RECORD_KEYS}
)""",
    "deadlines": f"""CREATE TABLE deadlines (
  {_RECORD}
  text TEXT NOT NULL,
  kind TEXT NOT NULL,
  start_month TEXT,  -- YYYY-MM
  end_month TEXT,
  {_RECORD_KEYS}
)""",
    "refs": f"""CREATE TABLE refs (
  {_RECORD}
  title TEXT,
  doc_number TEXT,
  {_RECORD_KEYS}
)""",
    "tables": f"""CREATE TABLE tables (
  {_RECORD}
  kind TEXT NOT NULL,
  n_rows INTEGER NOT NULL,
  n_cols INTEGER NOT NULL,
  header TEXT NOT NULL,  -- JSON list of the column names
  {_RECORD_KEYS}
)""",
    "table_cells": """CREATE TABLE table_cells (
  doc_id TEXT NOT NULL,
  table_id TEXT NOT NULL,
  row INTEGER NOT NULL,  -- 1 = the first row under the header
  col INTEGER NOT NULL,
  header TEXT,
  value TEXT NOT NULL,
  row_span_start INTEGER,
  row_span_end INTEGER,
  PRIMARY KEY (doc_id, table_id, row, col),
  FOREIGN KEY (doc_id, table_id) REFERENCES tables (doc_id, id)
)""",
    "warnings": """CREATE TABLE warnings (
  doc_id TEXT NOT NULL REFERENCES documents (doc_id),
  position INTEGER NOT NULL,
  code TEXT NOT NULL,
  message TEXT NOT NULL,
  span_start INTEGER,
  span_end INTEGER,
  PRIMARY KEY (doc_id, position)
)""",
}

_DOC_COLUMNS = "d.region, d.province, d.issued_on, d.title AS doc_title, d.doc_type"
_JOIN_DOC_SECTION = """JOIN documents d ON d.doc_id = x.doc_id
LEFT JOIN sections s ON s.doc_id = x.doc_id AND s.id = x.section_id"""

VIEWS: dict[str, str] = {
    "targets_v": f"""CREATE VIEW targets_v AS
SELECT x.doc_id, {_DOC_COLUMNS}, x.id AS target_id, x.indicator, x.indicator_key, x.value, x.value_max, x.unit,
  x.comparator, x.year, x.recurring, x.baseline_value, x.baseline_year, x.binding, x.section_id,
  s.title AS section_title, r.lead AS lead, r.lead_keys AS lead_keys, x.responsible, x.quote, x.rule,
  x.span_start, x.span_end
FROM targets x
{_JOIN_DOC_SECTION}
LEFT JOIN responsibilities r ON r.doc_id = x.doc_id AND r.id = x.responsibility_id""",
    "statistics_v": f"""CREATE VIEW statistics_v AS
SELECT x.doc_id, {_DOC_COLUMNS}, x.id AS statistic_id, x.indicator, x.indicator_key, x.value, x.value_max,
  x.unit, x.comparator, x.as_of, x.section_id, s.title AS section_title, x.quote, x.rule, x.span_start, x.span_end
FROM statistics x
{_JOIN_DOC_SECTION}""",
    "responsibilities_v": f"""CREATE VIEW responsibilities_v AS
SELECT x.doc_id, {_DOC_COLUMNS}, x.id AS responsibility_id, u.position, u.unit, u.unit_key, u.is_lead,
  x.section_id, s.title AS section_title, x.quote, x.rule, x.span_start, x.span_end
FROM responsibilities x
JOIN responsibility_units u ON u.doc_id = x.doc_id AND u.responsibility_id = x.id
{_JOIN_DOC_SECTION}""",
    "deadlines_v": f"""CREATE VIEW deadlines_v AS
SELECT x.doc_id, {_DOC_COLUMNS}, x.id AS deadline_id, x.text, x.kind, x.start_month, x.end_month, x.section_id,
  s.title AS section_title, x.quote, x.rule, x.span_start, x.span_end
FROM deadlines x
{_JOIN_DOC_SECTION}""",
}


class ExportError(Exception):
    """A folder that cannot be exported at all (no manifest, an unreadable one, an unusable destination)."""


@dataclass
class Loaded:
    """The documents read from an extraction folder and one line per entry that could not be read."""

    documents: list[Document] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


# --- reading -------------------------------------------------------------------------------------------------


def _manifest_path(folder: Path) -> Path:
    path = folder if folder.name == "manifest.json" and folder.is_file() else folder / "manifest.json"
    if not path.is_file():
        raise ExportError(f"{folder}: no manifest.json (export reads the folder `policyx extract -o` wrote)")
    return path


def _candidates(folder: Path, doc_id: str, output: str | None) -> Iterator[Path]:
    """Where an entry's JSON may be: the manifest's ``output`` is relative to where the extraction ran, so the
    file of that name in the folder comes first, then the path as written."""
    if output:
        yield folder / Path(output).name
        yield Path(output)
    yield folder / f"{doc_id}.json"


def load_folder(folder: Path) -> Loaded:
    """The validated documents of the manifest's ``ok`` entries, in manifest order."""
    manifest_file = _manifest_path(folder)
    folder = manifest_file.parent
    try:
        manifest = Manifest.model_validate(orjson.loads(manifest_file.read_bytes()))
    except (OSError, orjson.JSONDecodeError, ValidationError) as exc:
        raise ExportError(f"{manifest_file}: not a policyx manifest ({_first_line(exc)})") from None
    loaded = Loaded()
    jsonl: dict[str, Any] | None = None
    seen: set[str] = set()
    for entry in manifest.entries:
        if entry.status != "ok":
            continue
        if entry.doc_id in seen:
            loaded.problems.append(f"{entry.path}: doc_id {entry.doc_id} appears twice in the manifest; kept the first")
            continue
        path = next((p for p in _candidates(folder, entry.doc_id, entry.output) if p.is_file()), None)
        try:
            if path is not None:
                data = orjson.loads(path.read_bytes())
            else:  # extract --format jsonl: one documents.jsonl, no output per entry
                if jsonl is None:
                    jsonl = _read_jsonl(folder / "documents.jsonl")
                if entry.doc_id not in jsonl:
                    loaded.problems.append(f"{entry.path}: no output file for {entry.doc_id} in {folder}")
                    continue
                data, path = jsonl[entry.doc_id], folder / "documents.jsonl"
            doc = Document.model_validate(data)
        except (OSError, orjson.JSONDecodeError, ValidationError) as exc:
            loaded.problems.append(f"{path}: not a valid policyx document ({_first_line(exc)})")
            continue
        if doc.doc_id != entry.doc_id:
            loaded.problems.append(f"{path}: holds doc_id {doc.doc_id}, the manifest says {entry.doc_id}")
            continue
        seen.add(doc.doc_id)
        loaded.documents.append(doc)
    return loaded


def _read_jsonl(path: Path) -> dict[str, Any]:
    if not path.is_file():
        return {}
    out: dict[str, Any] = {}
    for line in path.read_bytes().splitlines():
        if line.strip():
            data = orjson.loads(line)
            out.setdefault(data.get("doc_id"), data)
    return out


def _first_line(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        return f"{exc.error_count()} validation error(s), first: {where}: {err['msg']}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# --- rows ----------------------------------------------------------------------------------------------------


def _joined(names: list[str]) -> str | None:
    return JOIN.join(names) if names else None


def _record(doc_id: str, r: Any) -> dict[str, Any]:
    return {
        "doc_id": doc_id,
        "id": r.id,
        "section_id": r.section,
        "span_start": r.span[0],
        "span_end": r.span[1],
        "quote": r.quote,
        "rule": r.rule,
    }


def _quantity(r: Any) -> dict[str, Any]:
    return {
        "indicator": r.indicator,
        "indicator_key": r.indicator_key,
        "value": r.value,
        "value_max": r.value_max,
        "unit": r.unit,
        "comparator": r.comparator,
    }


def covering_responsibility(doc: Document) -> dict[str, Responsibility]:
    """Target id → the responsibility record its ``responsible`` units came from.

    The record covering the target's section, walking up the tree, the first after the target in it (else the
    last), as ``policyx.responsibilities.attach_responsible`` chose it; when that record's units are not the
    target's (a later stage changed them), the first record of the document with exactly those units."""
    parents = {s.id: s.parent for s in doc.sections}
    by_section: dict[str, tuple[list[int], list[Responsibility]]] = {}
    for r in doc.responsibilities:
        if r.section is not None:
            starts, recs = by_section.setdefault(r.section, ([], []))
            starts.append(r.span[0])
            recs.append(r)
    out: dict[str, Responsibility] = {}
    for t in doc.targets:
        if not t.responsible:
            continue
        found = _covering(t, by_section, parents)
        if found is None or list(found.units) != t.responsible:
            found = next((r for r in doc.responsibilities if list(r.units) == t.responsible), None)
        if found is not None:
            out[t.id] = found
    return out


def _covering(
    t: Target, by_section: dict[str, tuple[list[int], list[Responsibility]]], parents: dict[str, str | None]
) -> Responsibility | None:
    sid = t.section
    while sid is not None:
        if sid in by_section:
            starts, recs = by_section[sid]
            i = bisect_left(starts, t.span[1])
            return recs[i] if i < len(recs) else recs[-1]
        sid = parents.get(sid)
    return None


def document_rows(doc: Document) -> dict[str, list[dict[str, Any]]]:
    """Every row one document contributes, by table name."""
    d, m = doc.doc_id, doc.meta
    rows: dict[str, list[dict[str, Any]]] = {name: [] for name in TABLES}
    rows["documents"].append(
        {
            "doc_id": d,
            "title": m.title,
            "region": m.region,
            "province": m.province,
            "issuer": m.issuer,
            "doc_number": m.doc_number,
            "issued_on": m.issued_on,
            "doc_type": m.doc_type,
            "source_path": doc.source.path,
            "sha256": doc.source.sha256,
            "encoding": doc.source.encoding,
            "format": doc.source.format,
            "schema_version": doc.schema_version,
            "text_chars": len(doc.text),
        }
    )
    rows["texts"].append({"doc_id": d, "text": doc.text})
    rows["meta_fields"] += [{"doc_id": d, "label": k, "value": v} for k, v in m.fields.items()]
    for s in doc.sections:
        rows["sections"].append(
            {
                "doc_id": d,
                "id": s.id,
                "parent_id": s.parent,
                "level": s.level,
                "number": s.number,
                "title": s.title,
                "span_start": s.span[0],
                "span_end": s.span[1],
                "rule": s.rule,
            }
        )
    covering = covering_responsibility(doc)
    for t in doc.targets:
        rows["targets"].append(
            _record(d, t)
            | _quantity(t)
            | {
                "year": t.year,
                "recurring": t.recurring,
                "baseline_value": t.baseline.value if t.baseline else None,
                "baseline_year": t.baseline.year if t.baseline else None,
                "binding": t.binding,
                "responsible": _joined(t.responsible),
                "responsibility_id": covering[t.id].id if t.id in covering else None,
            }
        )
    rows["statistics"] += [_record(d, st) | _quantity(st) | {"as_of": st.as_of} for st in doc.statistics]
    rows["deadlines"] += [
        _record(d, x) | {"text": x.text, "kind": x.kind, "start_month": x.start, "end_month": x.end}
        for x in doc.deadlines
    ]
    for r in doc.responsibilities:
        keys = list(r.unit_keys) + [None] * (len(r.units) - len(r.unit_keys))
        lead_keys = [k for u, k in zip(r.units, keys, strict=False) if u in r.lead and k]
        rows["responsibilities"].append(
            _record(d, r)
            | {
                "units": JOIN.join(r.units),
                "lead": _joined(r.lead),
                "lead_keys": _joined(lead_keys),
                "n_units": len(r.units),
            }
        )
        rows["responsibility_units"] += [
            {
                "doc_id": d,
                "responsibility_id": r.id,
                "position": i,
                "unit": u,
                "unit_key": keys[i - 1],
                "is_lead": int(u in r.lead),
            }
            for i, u in enumerate(r.units, 1)
        ]
    rows["refs"] += [_record(d, x) | {"title": x.title, "doc_number": x.doc_number} for x in doc.references]
    for tab in doc.tables:
        rows["tables"].append(
            _record(d, tab)
            | {
                "kind": tab.kind,
                "n_rows": len(tab.rows),
                "n_cols": max([len(tab.header), *(len(row) for row in tab.rows)]),
                "header": json.dumps(tab.header, ensure_ascii=False),
            }
        )
        for i, row in enumerate(tab.rows, 1):
            span = tab.row_spans[i - 1] if i - 1 < len(tab.row_spans) else (None, None)
            rows["table_cells"] += [
                {
                    "doc_id": d,
                    "table_id": tab.id,
                    "row": i,
                    "col": j,
                    "header": tab.header[j - 1] if j - 1 < len(tab.header) else None,
                    "value": cell,
                    "row_span_start": span[0],
                    "row_span_end": span[1],
                }
                for j, cell in enumerate(row, 1)
            ]
    rows["warnings"] += [
        {
            "doc_id": d,
            "position": i,
            "code": w.code,
            "message": w.message,
            "span_start": w.span[0] if w.span else None,
            "span_end": w.span[1] if w.span else None,
        }
        for i, w in enumerate(doc.warnings, 1)
    ]
    return rows


# --- writing -------------------------------------------------------------------------------------------------


def build_database(con: sqlite3.Connection, documents: list[Document]) -> list[str]:
    """Create the tables and views in ``con`` and fill them; returns the broken keys found (one line each)."""
    for ddl in (*TABLES.values(), *VIEWS.values()):
        con.execute(ddl)
    for doc in documents:
        for name, rows in document_rows(doc).items():
            if rows:
                cols = list(rows[0])
                sql = f"INSERT INTO {name} ({', '.join(cols)}) VALUES ({', '.join('?' * len(cols))})"
                con.executemany(sql, [tuple(r[c] for c in cols) for r in rows])
    con.commit()
    # foreign keys are checked once at the end: a record naming a section that does not exist is reported, the
    # rest of the corpus is still exported
    return [
        f"{table} row {rowid}: no row in {parent} for its key"
        for table, rowid, parent, _ in con.execute("PRAGMA foreign_key_check")
    ]


def relations(con: sqlite3.Connection) -> list[str]:
    """The tables, then the views, of an exported database, in creation order."""
    return [name for name in (*TABLES, *VIEWS) if _exists(con, name)]


def _exists(con: sqlite3.Connection, name: str) -> bool:
    return con.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (name,)).fetchone() is not None


def write_sqlite(documents: list[Document], dest: Path) -> list[str]:
    """The database at ``dest``, replaced whole: built under a temporary name beside it, then renamed."""
    if dest.is_dir():
        raise ExportError(f"{dest} is a folder; the SQLite export is one file (e.g. --to corpus.sqlite)")
    dest.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{dest.name}.", suffix=".tmp", dir=dest.parent)
    os.close(fd)
    try:
        con = sqlite3.connect(tmp)
        try:
            problems = build_database(con, documents)
        finally:
            con.close()
        os.replace(tmp, dest)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return problems


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(cell: Any) -> Any:
    """OWASP's CSV-injection defence: a text cell a spreadsheet would run as a formula gets a leading ``'``."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return cell


def _folder_for(dest: Path) -> None:
    if dest.exists() and not dest.is_dir():
        raise ExportError(f"{dest} is a file; the CSV and Parquet exports write a folder (one file per table)")
    dest.mkdir(parents=True, exist_ok=True)


def write_csv(documents: list[Document], dest: Path) -> list[str]:
    """``dest/<table>.csv`` for every table and view: UTF-8 with a BOM (Excel then reads the Chinese)."""
    _folder_for(dest)
    con = sqlite3.connect(":memory:")
    try:
        problems = build_database(con, documents)
        for name in relations(con):
            cur = con.execute(f"SELECT * FROM {name}")
            path = dest / f"{name}.csv"
            tmp = path.with_name(f".{path.name}.tmp")
            with tmp.open("w", encoding="utf-8-sig", newline="") as fh:
                w = csv.writer(fh)
                w.writerow([c[0] for c in cur.description])
                w.writerows([neutralise(v) for v in row] for row in cur)
            os.replace(tmp, path)
    finally:
        con.close()
    return problems


def parquet_available() -> bool:
    try:
        import pyarrow  # noqa: F401
    except ImportError:
        return False
    return True


def write_parquet(documents: list[Document], dest: Path) -> list[str]:
    """``dest/<table>.parquet`` for every table and view, typed from the declared SQLite column types."""
    if not parquet_available():
        raise ExportError("Parquet needs pyarrow: pip install 'policyx[parquet]'")
    import pyarrow as pa
    import pyarrow.parquet as pq

    types = {"TEXT": pa.string(), "INTEGER": pa.int64(), "REAL": pa.float64()}
    _folder_for(dest)
    con = sqlite3.connect(":memory:")
    try:
        problems = build_database(con, documents)
        for name in relations(con):
            info = con.execute(f"PRAGMA table_info({name})").fetchall()
            schema = pa.schema([(col[1], types.get(col[2].upper(), pa.string())) for col in info])
            cur = con.execute(f"SELECT * FROM {name}")
            columns = list(zip(*cur.fetchall(), strict=True)) or [()] * len(info)
            table = pa.table([pa.array(list(c), type=f.type) for c, f in zip(columns, schema, strict=True)], schema)
            path = dest / f"{name}.parquet"
            tmp = path.with_name(f".{path.name}.tmp")
            pq.write_table(table, tmp)
            os.replace(tmp, path)
    finally:
        con.close()
    return problems


WRITERS = {"sqlite": write_sqlite, "csv": write_csv, "parquet": write_parquet}


def export(folder: Path, dest: Path, fmt: ExportFormat = "sqlite") -> tuple[Loaded, list[str]]:
    """Read ``folder`` (through its manifest) and write it to ``dest`` as ``fmt``.

    Returns what was loaded (with the entries that could not be read) and the broken keys of the database."""
    if fmt == "parquet" and not parquet_available():
        raise ExportError("Parquet needs pyarrow: pip install 'policyx[parquet]'")
    loaded = load_folder(folder)
    return loaded, WRITERS[fmt](loaded.documents, dest)
