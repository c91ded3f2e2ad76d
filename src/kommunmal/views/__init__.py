"""Page assembly: what each page of the site shows, as plain data.

One module per page kind. Each `build…` function takes the store (and the vocabulary namespace and whatever
names the page: an IRI, a goal document, filters) and returns a dict of lists and rdflib terms. The web layer
renders that dict with a template, and serves the same dict as the page's JSON view (`jsonable`). The SPARQL
lives in src/kommunmal/queries/page_*.rq; the modules here only merge and order rows.
"""
