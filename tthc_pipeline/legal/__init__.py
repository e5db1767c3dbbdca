"""Legal documents: citation extraction, the registry of documents and their relations.

* ``citations``: find "Nghị định số 63/2010/NĐ-CP", "Luật Cư trú năm 2020", "Nghị định này".
* ``registry``: hand-written (corpus/registry/*.yaml) and learned (corpus/learned/*.yaml)
  entries with replace/amend/repeal/expire relations; status of a document at a date.
* ``relations``: learn a registry entry from a newly ingested regulation.
* ``corpus_cli``: the ``tthc corpus`` command group.
"""

from tthc_pipeline.legal.citations import Citation, canonical_number, find_citations, number_key

__all__ = ["Citation", "canonical_number", "find_citations", "number_key"]
