"""The comparisons gold scoring rests on: normal form, quote overlap, character F1, number equality.

The semantics are fixed by the gold format (``tests/gold/README.md``) and must agree with the
independent reference scorer figure for figure, so the thresholds live here, not in ``rules/``:
they define how the project is measured, not how it extracts.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter

#: a predicted quote stands for a gold one when this share of the shorter is a common substring
QUOTE_OVERLAP = 0.6
#: a predicted indicator is right when its character F1 with the gold one reaches this
INDICATOR_F1 = 0.5
#: a responsibility matches only when the unit sets agree this much (Jaccard)
UNITS_JACCARD = 0.5

# the standard library's \s (Unicode white space), as the reference scorer uses it
_SPACE = re.compile(r"\s+")


# Units compare in simplified script (the gold format says so): a traditional page writes 張/個/萬人次 for 张/个/万人次.
# The characters are the gold format's, not the extraction's table, so the two scorers agree figure for figure.
_UNIT_T2S = str.maketrans("張個戶處項間臺歲場噸畝萬億類級輛", "张个户处项间台岁场吨亩万亿类级辆")


def unit_norm(value: object) -> str:
    """A unit as the scorers compare it: ``norm`` in simplified script."""
    return norm(value).translate(_UNIT_T2S)


def norm(value: object) -> str:
    """NFKC (full-width → half-width) with every white space removed; None → ''."""
    if value is None:
        return ""
    return _SPACE.sub("", unicodedata.normalize("NFKC", str(value)))


def lcs_len(a: str, b: str) -> int:
    """Length of the longest common substring (contiguous).

    Walks the shorter string and only ever asks whether a substring one longer than the best so far
    occurs in the other (a C-speed ``in``): at most len(short) + best searches, no n·m table.
    """
    short, long_ = (a, b) if len(a) <= len(b) else (b, a)
    best = 0
    for i in range(len(short)):
        while i + best < len(short) and short[i : i + best + 1] in long_:
            best += 1
    return best


def overlap(gold: object, pred: object) -> float:
    """0..1: how much two quotes cover the same words (1 when one lies inside the other)."""
    g, p = norm(gold), norm(pred)
    if not g or not p:
        return 0.0
    if g in p or p in g:
        return 1.0
    return lcs_len(g, p) / min(len(g), len(p))


def num_eq(a: object, b: object) -> bool:
    """Equal to 0.01 (or one part in a million for large values); anything not a number is unequal."""
    try:
        x, y = float(a), float(b)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return False
    return abs(x - y) <= max(0.01, 1e-6 * max(abs(x), abs(y)))


def char_f1(gold: object, pred: object) -> float:
    """F1 of the two strings' character multisets (order-free, so 床位总量 ≈ 总床位量)."""
    g, p = norm(gold), norm(pred)
    if not g or not p:
        return 0.0
    common = sum((Counter(g) & Counter(p)).values())
    if common == 0:
        return 0.0
    precision, recall = common / len(p), common / len(g)
    return 2 * precision * recall / (precision + recall)


def prf(tp: int, fp: int, fn: int) -> tuple[float, float, float]:
    """Precision, recall, F1; nothing predicted and nothing expected counts as perfect."""
    p = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    r = tp / (tp + fn) if tp + fn else 1.0
    f = 2 * p * r / (p + r) if p + r else 0.0
    return p, r, f
