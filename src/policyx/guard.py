"""Stage: refuse what is not a policy text once the page is cleaned (SPEC 11)."""

from __future__ import annotations

from policyx.models import Document
from policyx.read import InputError, InputRules
from policyx.rules import RuleSet


def ensure_policy_text(doc: Document, rules: RuleSet) -> Document:
    cfg = rules.get(InputRules)
    found = 0
    for ch in doc.text:
        if "\u4e00" <= ch <= "\u9fff":
            found += 1
            if found >= cfg.min_cjk_chars:
                break
    else:
        raise InputError(f"not a policy text: {found} Chinese characters after cleaning (need {cfg.min_cjk_chars})")
    # a portal menu or list page has plenty of Chinese but no sentences
    sentences = doc.text.count("。")
    if sentences < cfg.min_sentences:
        raise InputError(f"not a policy text: {sentences} sentence(s) ending in 。 (need {cfg.min_sentences})")
    return doc
