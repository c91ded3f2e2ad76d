"""/dumps/: the release's files (dumps, VoID, validation report, checksums) with sizes, checksums and ETags."""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, Depends, Request
from fastapi.responses import FileResponse, JSONResponse, PlainTextResponse, Response

from kommunmal.formats import FORMATS, JSON_VIEW, by_extension
from kommunmal.release import Release
from kommunmal.web.deps import get_release
from kommunmal.web.render import Site, choose, not_acceptable, page

router = APIRouter()
GET_HEAD = ["GET", "HEAD"]
# text/plain is an alias of N-Triples in the table: `sha256sum`-style lines; JSON for programs.
LISTING_FORMATS = (FORMATS["html"], FORMATS["ntriples"], JSON_VIEW)


@router.api_route("/dumps", methods=GET_HEAD, include_in_schema=False)
@router.api_route("/dumps/", methods=GET_HEAD, include_in_schema=False)
def listing(request: Request, release: Release = Depends(get_release)) -> Response:
    """What can be downloaded: an HTML table for browsers, `sha256sum`-style lines for text/plain, and for
    application/json or ?format=json {"release", "files": [{"name", "url", "mediaType", "bytes", "sha256"}]}."""
    files = _files(release)
    fmt = choose(request, None, LISTING_FORMATS)
    if fmt is None:
        return not_acceptable(LISTING_FORMATS)
    wants_text = fmt == FORMATS["ntriples"]
    site = Site(request.app.state.settings)
    if fmt == JSON_VIEW:
        listed = [
            {
                "name": name,
                "url": site.settings.public_url + "dumps/" + name,
                "mediaType": _media_type(name).split(";")[0],
                **f,
            }
            for name, f in files.items()
        ]
        return JSONResponse({"release": release.id, "files": listed}, headers={"Vary": "Accept"})
    links = [
        (site.url("dumps/" + name), _media_type(name).split(";")[0], name)
        for name in files
        if name.startswith("kommunmal.")
    ]
    if wants_text:
        body = "".join(f"{f['sha256']}  {f['bytes']:>10}  {name}\n" for name, f in files.items())
        return PlainTextResponse(body, headers={"Vary": "Accept"})
    rows = [{"name": name, "media": _media_type(name), **f} for name, f in files.items()]
    return page(request, "dumps.html", links=links, vary=True, rows=rows, meta=release.meta)


@router.api_route("/dumps/{name}", methods=GET_HEAD, include_in_schema=False)
def dump(name: str, request: Request, release: Release = Depends(get_release)) -> Response:
    files = _files(release)
    if name not in files:
        return PlainTextResponse(
            f"404 Not Found: no file {name!r} in release {release.id}; see /dumps/\n", status_code=404
        )
    etag = f'"{files[name]["sha256"]}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=300"}
    return FileResponse(
        release.path / name,
        media_type=_media_type(name),
        headers=headers,
        filename=name,
        content_disposition_type="inline",
    )


def _files(release: Release) -> dict[str, dict]:
    """The release's files as release.json lists them, plus SHA256SUMS (which lists the others)."""
    files = dict(release.meta["files"])
    sums = release.path / "SHA256SUMS"
    if sums.exists():
        files["SHA256SUMS"] = {"sha256": hashlib.sha256(sums.read_bytes()).hexdigest(), "bytes": sums.stat().st_size}
    return dict(sorted(files.items()))


def _media_type(name: str) -> str:
    if name == "SHA256SUMS":
        return "text/plain; charset=utf-8"
    if name.endswith(".json"):
        return "application/json"
    try:
        fmt = by_extension(name.rpartition(".")[2])
    except KeyError:
        return "application/octet-stream"
    return fmt.media_type + ("; charset=utf-8" if fmt.media_type.startswith("text/") else "")
