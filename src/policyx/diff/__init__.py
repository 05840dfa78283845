"""``policyx diff``: the targets of several documents side by side, one row per indicator.

``load`` turns arguments into labelled Documents, ``align`` groups their targets into rows (by
indicator_key, then by similar indicator phrases under ``rules/diff.yaml``), and the ``render_*`` modules
write the table. jieba is imported only when phrases are compared.
"""

from __future__ import annotations

from policyx.diff.align import align
from policyx.diff.load import load_documents
from policyx.diff.model import DiffTable

__all__ = ["DiffTable", "align", "load_documents"]
