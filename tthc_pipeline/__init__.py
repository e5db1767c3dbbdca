"""tthc_pipeline: review of Vietnamese administrative procedures (rà soát thủ tục hành chính)."""

__version__ = "0.1.0"
