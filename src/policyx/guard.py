"""Stage: refuse what is not a policy text once the page is cleaned (SPEC 11)."""

from __future__ import annotations

from policyx.models import Document
from policyx.read import InputError, InputRules
from policyx.rules import RuleSet


def ensure_policy_text(doc: Document, rules: RuleSet) -> Document:
    need = rules.get(InputRules).min_cjk_chars
    found = 0
    for ch in doc.text:
        if "\u4e00" <= ch <= "\u9fff":
            found += 1
            if found >= need:
                return doc
    raise InputError(f"not a policy text: {found} Chinese characters after cleaning (need {need})")
