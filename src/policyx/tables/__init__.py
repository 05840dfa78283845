"""Tables (SPEC 9): rebuild flattened and TAB-rendered tables, read indicator tables into targets.

``flat`` reads tables flattened one cell per line (anchored on 序号), ``attr`` those whose rows end in a
约束性/预期性 cell, ``tab`` the TAB rows html.py renders; ``grid`` runs them in turn, ``read`` decides a table's
kind and turns indicator rows into targets and statistics, ``stage`` is the pipeline stage.
"""

from policyx.tables.stage import extract_tables

__all__ = ["extract_tables"]
