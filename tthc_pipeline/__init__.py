"""tthc_pipeline: review of Vietnamese administrative procedures (rà soát thủ tục hành chính)."""

from tthc_pipeline import _compiled

__version__ = "0.1.0"

# the rule engine's compiled modules, where built from the current sources (see _compiled.py)
_compiled.install()
