"""From a municipality's budget document to a draft goal graph: extraction (`extract`), OCR repair (`ocr`), the
goal section's structure (`layout`), then proposals and the Turtle writer.

Entry points: `kommunmal.ingest.layout.parse_document(path) -> ParsedDocument` and
`kommunmal.ingest.ocr.repair(text) -> RepairedText`.
"""
