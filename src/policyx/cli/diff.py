"""``policyx diff``: (to be built)."""

from __future__ import annotations
