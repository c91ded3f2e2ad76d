"""Kolada API v3 client: KPI values for a municipality, fetched page by page.

Request: ``GET {base}/data/kpi/{kpi}/municipality/{kommunkod}[/year/{y1},{y2},…]`` (base
``https://api.kolada.se/v3``), the path form of the data endpoint that v3 clients use; a response is
``{"count": n, "values": [{"kpi", "municipality", "period", "values": [{"gender", "count", "status", "value"}]}],
"next_url": url | null}``. ``next_url`` is followed until it is absent, at most `max_pages` pages, and only on the
host of the base URL. kommunmal.kolada_cube maps the values to RDF.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from urllib.parse import urljoin, urlsplit

import httpx

from kommunmal.errors import KommunmalError, Unreachable

DEFAULT_BASE_URL = "https://api.kolada.se/v3"
MAX_PAGES = 100
TIMEOUT_S = 30.0

KPI_ID = re.compile(r"^[A-Z][0-9]{5}$")
MUNICIPALITY_ID = re.compile(r"^[0-9]{4}$")

Progress = Callable[[str], None]


class KoladaResponseError(KommunmalError):
    """The Kolada API answered, but with an error status or with something other than the documented JSON."""


@dataclass(frozen=True)
class KoladaValue:
    """One value of a KPI for a municipality, year and gender; `value` is None where Kolada has no number."""

    kpi: str
    municipality: str
    period: int
    gender: str
    value: Decimal | None
    status: str = ""


@dataclass
class Fetched:
    """Everything one request (all its pages) returned."""

    kpi: str
    municipality: str
    years: tuple[int, ...]
    urls: list[str] = field(default_factory=list)
    values: list[KoladaValue] = field(default_factory=list)
    fetched_at: datetime = field(default_factory=lambda: datetime.now(UTC).replace(microsecond=0))


def data_url(base_url: str, kpi: str, municipality: str, years: Iterable[int] = ()) -> str:
    """The first page's URL for one KPI and municipality, optionally limited to some years."""
    url = f"{base_url.rstrip('/')}/data/kpi/{kpi}/municipality/{municipality}"
    years = sorted(set(years))
    return url + "/year/" + ",".join(str(y) for y in years) if years else url


def check_ids(kpis: Iterable[str], municipality: str, years: Iterable[int] = ()) -> None:
    """Refuse malformed ids before anything is fetched: KommunmalError for a KPI id that is not a capital letter
    and five digits, a kommunkod that is not four digits, a year outside 1900–2100."""
    for kpi in kpis:
        if not KPI_ID.match(kpi):
            raise KommunmalError(
                f"{kpi!r} är inget Kolada-id (en versal och fem siffror, till exempel N01951) / "
                "not a Kolada KPI id (a capital letter and five digits, such as N01951)"
            )
    if not MUNICIPALITY_ID.match(municipality):
        raise KommunmalError(
            f"{municipality!r} är ingen kommunkod (fyra siffror, till exempel 2380) / "
            "not a municipality code (four digits, such as 2380)"
        )
    for year in years:
        if not 1900 <= year <= 2100:
            raise KommunmalError(f"{year} är inget rimligt år / not a plausible year")


class KoladaClient:
    """Fetches KPI values from the Kolada API v3, page by page."""

    def __init__(
        self,
        base_url: str = DEFAULT_BASE_URL,
        timeout: float = TIMEOUT_S,
        max_pages: int = MAX_PAGES,
        progress: Progress | None = None,
        transport: httpx.BaseTransport | None = None,
    ) -> None:
        self.base_url = base_url.rstrip("/")
        self.max_pages = max_pages
        self._say = progress or (lambda _msg: None)
        self._http = httpx.Client(
            timeout=timeout, follow_redirects=True, transport=transport, headers={"Accept": "application/json"}
        )

    def __enter__(self) -> KoladaClient:
        return self

    def __exit__(self, *_exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Close the HTTP connections."""
        self._http.close()

    def fetch(self, kpi: str, municipality: str, years: Iterable[int] = ()) -> Fetched:
        """All values of `kpi` for `municipality`, following `next_url` until it is absent.

        Raises KommunmalError (malformed ids), Unreachable (no connection), KoladaResponseError (an error status,
        not JSON, an unexpected shape, another KPI or municipality, more than `max_pages` pages, a next_url off
        the API's host)."""
        years = tuple(sorted(set(years)))
        check_ids([kpi], municipality, years)
        result = Fetched(kpi, municipality, years)
        url: str | None = data_url(self.base_url, kpi, municipality, years)
        while url is not None:
            if len(result.urls) >= self.max_pages:
                raise KoladaResponseError(
                    f"{kpi}: fler än {self.max_pages} sidor från {self.base_url}; avbryter utan att skriva något / "
                    f"more than {self.max_pages} pages; stopped without writing anything"
                )
            page = len(result.urls) + 1
            self._say(f"{kpi}: sida {page} … {url}")
            payload = self._get(url)
            values, next_url = parse_page(payload, url)
            result.urls.append(url)
            for v in values:
                if v.kpi != kpi or v.municipality != municipality:
                    raise KoladaResponseError(
                        f"{url}: svaret gäller {v.kpi}/{v.municipality}, inte {kpi}/{municipality} / "
                        "the response is about another KPI or municipality than asked for"
                    )
            result.values.extend(values)
            url = self._next(url, next_url)
        return result

    def _get(self, url: str) -> object:
        try:
            response = self._http.get(url)
        except httpx.TransportError as exc:
            raise Unreachable(
                f"Kolada-API:t kan inte nås på {url} ({type(exc).__name__}: {exc or 'inget svar'}). Kontrollera "
                "nätverket eller ange en annan adress med --base-url och försök igen; inget har skrivits. / "
                "The Kolada API cannot be reached; check the network or give another address with --base-url "
                "and try again; nothing was written."
            ) from None
        if response.status_code >= 400:
            hint = (
                "kontrollera KPI-id och kommunkod / check the KPI id and municipality code"
                if response.status_code == 404
                else "försök igen senare / try again later"
                if response.status_code >= 500
                else "kontrollera anropet / check the request"
            )
            raise KoladaResponseError(
                f"Kolada-API:t svarade {response.status_code} {response.reason_phrase} på {url}; {hint}. "
                "Inget har skrivits / nothing was written."
            )
        try:
            return response.json(parse_float=Decimal)
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise KoladaResponseError(f"{url}: svaret är inte JSON ({exc}) / the response is not JSON") from None

    def _next(self, current: str, next_url: str | None) -> str | None:
        if not next_url:
            return None
        resolved = urljoin(current, next_url)
        here, there = urlsplit(self.base_url), urlsplit(resolved)
        if (here.scheme, here.netloc) != (there.scheme, there.netloc):
            raise KoladaResponseError(
                f"{current}: next_url pekar utanför {self.base_url} ({resolved}); följer den inte / "
                "next_url points away from the API; not followed"
            )
        return resolved


def parse_page(payload: object, url: str) -> tuple[list[KoladaValue], str | None]:
    """The values and the next page's URL (None on the last page) of one response in the documented shape;
    KoladaResponseError naming `url` for any other shape or a value that is not a finite number."""

    def bad(what: str) -> KoladaResponseError:
        return KoladaResponseError(f"{url}: oväntat svar, {what} / unexpected response shape")

    if not isinstance(payload, dict) or not isinstance(payload.get("values"), list):
        raise bad('saknar listan "values"')
    next_url = payload.get("next_url")
    if next_url is not None and not isinstance(next_url, str):
        raise bad('"next_url" är ingen text')
    values = []
    for item in payload["values"]:
        if not isinstance(item, dict) or not isinstance(item.get("values"), list):
            raise bad('ett element saknar "values"')
        try:
            period = int(str(item["period"]))
            kpi, municipality = str(item["kpi"]), str(item["municipality"])
        except (KeyError, ValueError):
            raise bad("ett element saknar kpi, municipality eller ett heltal i period") from None
        for entry in item["values"]:
            if not isinstance(entry, dict) or "gender" not in entry:
                raise bad('ett värde saknar "gender"')
            values.append(
                KoladaValue(
                    kpi,
                    municipality,
                    period,
                    str(entry["gender"]),
                    _decimal(entry.get("value"), bad),
                    str(entry.get("status") or ""),
                )
            )
    return values, next_url or None


def _decimal(raw: object, bad: Callable[[str], KoladaResponseError]) -> Decimal | None:
    if raw is None:
        return None
    if isinstance(raw, bool):
        raise bad(f"värdet {raw!r} är inget tal")
    try:
        number = Decimal(str(raw))
    except InvalidOperation:
        raise bad(f"värdet {raw!r} är inget tal") from None
    if not number.is_finite():
        raise bad(f"värdet {raw!r} är inget ändligt tal")
    return number
