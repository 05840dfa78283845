"""schemas/ must match the models: regenerate with `policyx schema -o schemas/`."""

from __future__ import annotations

from policyx.schemas import schema_texts

from conftest import ROOT


def test_schemas_folder_is_up_to_date() -> None:
    for fname, text in schema_texts().items():
        path = ROOT / "schemas" / fname
        assert path.exists(), f"{path} missing: run `policyx schema -o schemas/`"
        assert path.read_text(encoding="utf-8") == text, f"{path} is stale: run `policyx schema -o schemas/`"
