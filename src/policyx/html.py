"""Stage 2, html: a government web page → its article body as plain lines, tables as tab-separated rows.

(Stub until the HTML issue lands: plain text of the body.)
"""

from __future__ import annotations

from policyx.models import Document
from policyx.rules import RuleSet


def html_to_text(doc: Document, rules: RuleSet) -> Document:
    if doc.source.format != "html":
        return doc
    from selectolax.parser import HTMLParser

    tree = HTMLParser(doc.text)
    for node in tree.css("script, style, noscript"):
        node.decompose()
    body = tree.body
    text = body.text(separator="\n") if body is not None else ""
    return doc.model_copy(update={"text": text})
