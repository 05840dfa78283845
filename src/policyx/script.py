"""Traditional script: a simplified view of a text, character for character (SPEC 10).

Rules are written in simplified characters. A page in traditional script (`養老服務床位總量達到1600張`)
is matched through its simplified view, which has exactly the text's length, so every offset found in
the view is an offset into the text as written. The table is OpenCC's (``rules/script.yaml``).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache

from pydantic import PrivateAttr

from policyx.models import Document, Record, Table
from policyx.rules import RuleFile, RuleSet


@cache
def _phrase_converter() -> Callable[[str], str] | None:
    """OpenCC's traditional → simplified converter, imported only when a text needs it (most never do)."""
    try:
        import opencc
    except ImportError:  # the character table alone still gives a faithful view
        return None
    return opencc.OpenCC("t2s").convert


class ScriptRules(RuleFile):
    FILE = "script.yaml"
    source: str
    traditional: str
    simplified: str

    _table: dict[int, int] = PrivateAttr()
    _chars: frozenset[str] = PrivateAttr()

    def model_post_init(self, _ctx: object) -> None:
        trad = "".join(self.traditional.split())  # the YAML folds long lines with spaces
        simp = "".join(self.simplified.split())
        if len(trad) != len(simp):
            raise ValueError(f"traditional has {len(trad)} characters, simplified {len(simp)}: they must pair up")
        self._table = str.maketrans(trad, simp)
        self._chars = frozenset(trad)

    def simplify(self, text: str) -> str:
        """The simplified view: same length, same offsets, every traditional character replaced.

        OpenCC's phrase-aware conversion where it keeps a line's length (`答覆` → `答复`, where 覆 alone is a
        simplified character too), else this table one character to one.
        """
        if not self.is_traditional(text):
            return text
        convert = _phrase_converter()
        if convert is None:
            return text.translate(self._table)
        lines = text.split("\n")
        done = convert("\n".join(lines)).split("\n")
        if len(done) != len(lines):
            return text.translate(self._table)
        return "\n".join(d if len(d) == len(w) else w.translate(self._table) for w, d in zip(lines, done, strict=True))

    def is_traditional(self, text: str) -> bool:
        """Whether any character of ``text`` has a simplified form (then its view differs from it)."""
        return not self._chars.isdisjoint(text)


# --- the two stages: every rule between them matches the simplified view -------------------------------------------

#: string fields of each record list that copy words of the text and so are reported as written
_WRITTEN_FIELDS: dict[str, tuple[str, ...]] = {
    "targets": ("indicator",),
    "statistics": ("indicator",),
    "deadlines": ("text",),
    "responsibilities": ("units", "lead"),
    "references": ("title", "doc_number"),
}
_NEAR = 400  # how far before a record its words may stand (an indicator named earlier in the paragraph)


def simplified_view(doc: Document, rules: RuleSet) -> Document:
    """Stage: a text in traditional script is replaced by its simplified view; the written text waits aside.

    The view has the text's length, so every span a later stage finds holds for the written text too.
    """
    script = rules.get(ScriptRules)
    if not script.is_traditional(doc.text):
        return doc
    out = doc.model_copy(update={"text": script.simplify(doc.text)})
    out._written = doc.text
    return out


def as_written(doc: Document, _rules: RuleSet) -> Document:
    """Stage: the written text back, with quotes, titles, indicators and unit names copied from it (SPEC 10).

    Units of measure, keys, regions and provinces stay simplified: they are normalised values, not quotes.
    """
    written = doc._written
    if written is None:
        return doc
    view = doc.text
    back = _Back(view, written)
    update: dict[str, object] = {"text": written}
    for name in (*_WRITTEN_FIELDS, "tables"):
        update[name] = [back.record(r, _WRITTEN_FIELDS.get(name, ())) for r in getattr(doc, name)]
    update["sections"] = [s.model_copy(update={"title": back.near(s.title, *s.span)}) for s in doc.sections]
    update["meta"] = doc.meta.model_copy(
        update={k: back.anywhere(getattr(doc.meta, k)) for k in ("title", "issuer", "doc_number")}
    )
    out = doc.model_copy(update=update)
    out._written = None
    return out


class _Back:
    """Finds a string of the view in the view and returns the written characters at the same place."""

    def __init__(self, view: str, written: str) -> None:
        self.view = view
        self.written = written

    def at(self, s: str, lo: int, hi: int) -> str | None:
        i = self.view.find(s, max(0, lo), hi)
        return None if i < 0 else self.written[i : i + len(s)]

    def near(self, s: str | None, lo: int, hi: int) -> str | None:
        """``s`` as written where the view has it inside [lo, hi), else just before; unchanged if nowhere."""
        if not s:
            return s
        found = self.at(s, lo, hi)
        if found is None:
            i = self.view.rfind(s, max(0, lo - _NEAR), hi)
            found = None if i < 0 else self.written[i : i + len(s)]
        return self.by_character(s, lo, hi) if found is None else found

    def by_character(self, s: str, lo: int, hi: int) -> str:
        """A phrase put together from several places (`上海` + `养老床位`): each character as the text around
        [lo, hi) writes it; one simplified character may stand for two traditional ones, so only nearby pairs."""
        a = max(0, lo - _NEAR)
        pairs = {v: w for v, w in zip(self.view[a:hi], self.written[a:hi], strict=True) if v != w}
        return s.translate(str.maketrans(pairs)) if pairs else s

    def anywhere(self, s: str | None) -> str | None:
        return self.near(s, 0, len(self.view)) if s else s

    def record(self, r: Record, fields: tuple[str, ...]) -> Record:
        lo, hi = r.span
        update: dict[str, object] = {"quote": self.written[lo:hi]}
        for f in fields:
            v = getattr(r, f)
            update[f] = [self.near(x, lo, hi) for x in v] if isinstance(v, list) else self.near(v, lo, hi)
        if isinstance(r, Table):
            update["header"] = [self.near(c, lo, hi) or c for c in r.header]
            update["rows"] = [[self.near(c, lo, hi) or c for c in row] for row in r.rows]
        return r.model_copy(update=update)
