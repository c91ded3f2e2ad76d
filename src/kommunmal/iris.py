"""The one place that knows the IRI and URL scheme: things under /id/, documents about them under /doc/."""

from __future__ import annotations

from dataclasses import dataclass

SDG = "http://metadata.un.org/sdg/"


@dataclass(frozen=True)
class Iris:
    """IRIs minted under a base (`https://w3id.org/kommunmal/`), and the matching local URLs of a server."""

    base: str

    @property
    def vocab(self) -> str:
        return self.base + "def/kommunmal#"

    @property
    def ontology(self) -> str:
        return self.base + "def/kommunmal"

    @property
    def dataset(self) -> str:
        return self.base + "id/dataset/kommunmal"

    @property
    def catalog(self) -> str:
        return self.base + "id/catalog"

    @property
    def sparql_service(self) -> str:
        return self.base + "id/service/sparql"

    @property
    def sparql(self) -> str:
        return self.base + "sparql"

    @property
    def catalog_document(self) -> str:
        """Where registries harvest the DCAT catalog."""
        return self.base + "catalog"

    @property
    def void(self) -> str:
        return self.base + ".well-known/void"

    @property
    def dumps(self) -> str:
        return self.base + "dumps/"

    def document_dataset(self, key: str) -> str:
        """The dcat:Dataset of one goal document, by its key `<slug>/<year>` (kommunmal.documents)."""
        return f"{self.dataset}/document/{key}"

    def dataset_series(self, slug: str) -> str:
        """The dcat:DatasetSeries of one municipality's goal documents over the years."""
        return f"{self.dataset}/series/{slug}"

    def distribution(self, name: str) -> str:
        return f"{self.dataset}/distribution/{name}"

    @property
    def contact_point(self) -> str:
        return self.base + "id/contact/kommunmal"

    def is_catalog_resource(self, iri: str) -> bool:
        """The catalog, its dataset, distributions, service and contact: described by the catalog, not the store."""
        return any(
            iri == p or iri.startswith(p + "/") or iri.startswith(p + "#")
            for p in (self.catalog, self.dataset, self.sparql_service, self.contact_point)
        )

    def sdg_page(self, iri: str) -> str | None:
        """`http://metadata.un.org/sdg/4.1` -> `{base}sdg/4.1`, our page about a UN goal or target."""
        return self.base + "sdg/" + iri[len(SDG) :] if iri.startswith(SDG) and len(iri) > len(SDG) else None

    def page(self, iri: str) -> str:
        """The document a person follows for `iri`: /doc/ for things, /def/ for terms, /sdg/ for UN goals."""
        return self.thing_to_doc(iri) or self.sdg_page(iri) or iri

    def dump(self, extension: str) -> str:
        return f"{self.base}dumps/kommunmal.{extension}"

    def graph(self, name: str) -> str:
        return f"{self.base}graph/{name}"

    def is_local(self, iri: str) -> bool:
        return iri.startswith(self.base)

    def thing_to_doc(self, iri: str) -> str | None:
        """`{base}id/x` -> `{base}doc/x`; None for IRIs outside /id/."""
        prefix = self.base + "id/"
        return self.base + "doc/" + iri[len(prefix) :] if iri.startswith(prefix) else None

    def doc_to_thing(self, iri: str) -> str | None:
        prefix = self.base + "doc/"
        return self.base + "id/" + iri[len(prefix) :] if iri.startswith(prefix) else None

    def to_url(self, iri: str, public_url: str) -> str:
        """Where a server running at `public_url` answers for `iri` (the IRI itself when it is not ours)."""
        return public_url + iri[len(self.base) :] if iri.startswith(self.base) else iri

    def from_url(self, url: str, public_url: str) -> str:
        return self.base + url[len(public_url) :] if url.startswith(public_url) else url
