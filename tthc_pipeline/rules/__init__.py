"""Rule engine and catalogue for outdated / redundant TTHC requirements (TTHC-DOMAIN.md §3)."""

from tthc_pipeline.rules.engine import Engine
from tthc_pipeline.rules.findings import Finding
from tthc_pipeline.rules.schema import Catalogue, Rule, RuleError, lint_catalogue, load_catalogue

__all__ = ["Catalogue", "Engine", "Finding", "Rule", "RuleError", "lint_catalogue", "load_catalogue"]
