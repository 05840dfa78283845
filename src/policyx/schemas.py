"""JSON Schema of the output models, as written into ``schemas/`` (a test keeps them in sync)."""

from __future__ import annotations

import json
from pathlib import Path

from policyx.models import SCHEMA_MODELS
from policyx.output import write_atomic


def schema_texts() -> dict[str, str]:
    """File name → JSON text of each model's schema (stable: sorted keys, trailing newline)."""
    return {
        f"{name}.schema.json": json.dumps(model.model_json_schema(), ensure_ascii=False, indent=2, sort_keys=True)
        + "\n"
        for name, model in SCHEMA_MODELS.items()
    }


def write_schemas(out: Path) -> list[Path]:
    paths = []
    for fname, text in schema_texts().items():
        path = out / fname
        write_atomic(path, text.encode("utf-8"))
        paths.append(path)
    return paths
