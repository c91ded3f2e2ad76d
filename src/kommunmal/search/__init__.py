"""Full-text search over a release: the index is built by `kommunmal build` (kommunmal.search.index) and read
by the web layer's /search (kommunmal.search.query)."""

from kommunmal.search.index import INDEX_FILE, build_index
from kommunmal.search.query import KINDS, FacetValue, Hit, Results, SearchIndex

__all__ = ["INDEX_FILE", "KINDS", "FacetValue", "Hit", "Results", "SearchIndex", "build_index"]
