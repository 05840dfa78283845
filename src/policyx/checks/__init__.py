"""The parts of ``policyx check``: rule file, sanity checks, golden diff, raw positions, git, report formats.

``policyx.check`` ties them together; each module here does one job and knows nothing of the CLI.
"""
