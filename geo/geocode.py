"""Geocoder fallback: ask an online geocoder (geopy) for the places the gazetteer cannot place.

Politely and once per name: at most one request a second (geopy's RateLimiter), every answer,
"nothing found" included, kept in an on-disk cache (:mod:`geo.geocache`), and a request budget
per run. An answer is only trusted when it lies in the article's countries and within
``max_km`` of the other places the article names. Faults (timeouts, refused or dropped
connections, HTTP 429 / 5xx, malformed JSON) are retried a few times with backoff, then the
mention stays unresolved for the province fallback; they are counted, never cached.

>>> from conflictmap.gazetteer import Candidate
>>> hajin = Candidate("174506", "Hajin", 34.69, 40.83, "populated place", "SY", "Deir ez-Zor", None,
...                   0, "geonames", "Hajin", 1.0)
>>> context = ArticleContext.of([hajin])
>>> context.country_codes, context.viewbox()
(('SY',), ((34.0, 40.0), (35.5, 41.5)))
>>> print(context.why_implausible({"lat": 37.1, "lon": 38.8, "country": "TR", "kind": "populated place"}))
in TR, outside the article's countries (SY)

Used by :func:`geo.resolve.resolve_mentions` (``geocoder=``) and ``conflictmap run
--geocoder nominatim``; see README "Geocoder fallback".
"""

from __future__ import annotations

import json
import logging
import math
import time
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import metadata
from pathlib import Path
from typing import Callable, Iterable
from urllib.parse import urlsplit

from conflictmap.gazetteer import Candidate
from conflictmap.gazetteer.distance import haversine_km
from conflictmap.gazetteer.names import name_key
from conflictmap.gazetteer.theatre import THEATRE

from .geocache import GeocodeCache, GeocodeCacheError

log = logging.getLogger(__name__)

GEOCODED_SCORE = 0.8  # a plausible geocoder answer: below a sure gazetteer match, above the province fallback
MAX_KM = 300  # farther than this from every other place of the article is not the place it means
VIEWBOX_PAD_DEG = 0.5
VIEWBOX_GRID_DEG = 0.5  # rounded outwards, so articles about one area share cache entries
ANSWERS_PER_QUERY = 5  # the first that passes the checks wins
# RateLimiter spaces request starts; a little more keeps arrivals >= 1 s apart despite jitter.
POLICY_MARGIN_S = 0.05


def _version() -> str:
    try:
        return metadata.version("conflictmap")
    except metadata.PackageNotFoundError:
        return "dev"


DEFAULT_USER_AGENT = f"conflictmap/{_version()}"


# -- faults -----------------------------------------------------------------------------------

class GeocodeFailure(Exception):
    """The service gave no usable answer this time. ``retryable``: worth asking again after a
    pause; ``stops``: no point asking anything more in this run (blocked, misconfigured)."""

    retryable = True
    stops = False
    retry_after: float | None = None

    @property
    def reason(self) -> str:
        return f"{type(self).__name__}: {self}"


class GeocodeTimeout(GeocodeFailure):
    """No answer within the timeout."""


class GeocodeUnavailable(GeocodeFailure):
    """Connection refused, dropped or not reachable."""


class GeocodeServerError(GeocodeFailure):
    """HTTP 5xx (or 408)."""


class GeocodeRateLimited(GeocodeFailure):
    """HTTP 429; ``retry_after`` seconds as the service asked (None when it did not say)."""

    def __init__(self, message: str, retry_after: float | None = None):
        super().__init__(message)
        self.retry_after = retry_after


class GeocodeBadAnswer(GeocodeFailure):
    """The response was not the JSON the service speaks."""


class GeocodeRefused(GeocodeFailure):
    """HTTP 4xx other than 408/429: the same request would be refused again."""

    retryable = False

    def __init__(self, message: str, status: int):
        super().__init__(message)
        self.stops = status in (401, 403)  # blocked or unauthorised: every further request too


class GeocoderConfigError(ValueError):
    """The geocoder cannot be set up as asked (service, URL, user agent, rate)."""


def failure_from(error: Exception) -> GeocodeFailure:
    """geopy's exceptions (and the HTTP status behind them) as conflictmap's named failures."""
    from geopy import exc as geopy_exc
    from geopy.adapters import AdapterHTTPError

    status = error.__cause__.status_code if isinstance(error.__cause__, AdapterHTTPError) else None
    if isinstance(error, geopy_exc.GeocoderRateLimited) or status == 429:
        retry_after = getattr(error, "retry_after", None)
        return GeocodeRateLimited("HTTP 429" + (f", retry after {retry_after:g} s" if retry_after is not None else ""),
                                  retry_after=retry_after)
    if status is not None and (status >= 500 or status == 408):
        return GeocodeServerError(f"HTTP {status}")
    if status is not None:
        return GeocodeRefused(f"HTTP {status} {error}", status)
    if isinstance(error, geopy_exc.GeocoderTimedOut):
        return GeocodeTimeout(str(error) or "timed out")
    if isinstance(error, geopy_exc.GeocoderParseError):
        return GeocodeBadAnswer(str(error)[:200])
    if isinstance(error, geopy_exc.GeocoderQueryError):
        return GeocodeRefused(str(error)[:200], 400)
    if isinstance(error, (geopy_exc.GeocoderUnavailable, geopy_exc.GeocoderServiceError, OSError)):
        # urllib reports refused and dropped connections as a plain service error
        return GeocodeUnavailable(str(error)[:200] or type(error).__name__)
    return GeocodeBadAnswer(f"{type(error).__name__}: {error}"[:200])


# -- services ---------------------------------------------------------------------------------

# geopy is imported when a geocoder is opened, not with this module: the command line reads
# GEOCODER_CHOICES at start, and a run without a geocoder never needs geopy.

@lru_cache(maxsize=1)
def _nominatim_v2() -> type:
    from geopy.geocoders import Nominatim

    class NominatimV2(Nominatim):
        """Nominatim asking for format=jsonv2 (category, addresstype, place_rank), the format its
        documentation recommends; geopy itself asks for the older format=json."""

        def _construct_url(self, base_api, params):
            if base_api == self.api:
                params = {**params, "format": "jsonv2"}
            return super()._construct_url(base_api, params)

    return NominatimV2


def _photon() -> type:
    from geopy.geocoders import Photon

    return Photon


_SETTLEMENTS = {"city", "town", "village", "hamlet", "suburb", "neighbourhood", "quarter", "isolated_dwelling",
                "locality", "municipality", "borough", "city_district", "farm", "allotments"}
_KINDS = {"country": "country", "state": "admin1", "province": "admin1", "region": "admin1",
          "county": "admin2", "state_district": "admin2", "district": "admin2",
          "aerodrome": "airport/base", "military": "airport/base", "airfield": "airport/base"}


def _kind(word: str | None) -> str:
    word = (word or "").lower()
    return "populated place" if word in _SETTLEMENTS else _KINDS.get(word, word or "other")


def _coordinate(value, limit: float) -> float:
    number = float(value)
    if not math.isfinite(number) or abs(number) > limit:
        raise ValueError(f"coordinate out of range: {value!r}")
    return number


def _parse_nominatim(raw: dict) -> dict:
    address = raw.get("address") or {}
    display = raw.get("display_name") or ""
    osm = f"osm:{raw['osm_type']}/{raw['osm_id']}" if raw.get("osm_type") and raw.get("osm_id") else None
    return {
        "place_id": osm or f"nominatim:{raw['place_id']}",
        "name": raw.get("name") or display.split(",")[0].strip(),
        "display_name": display,
        "lat": _coordinate(raw["lat"], 90), "lon": _coordinate(raw["lon"], 180),
        "country": (address.get("country_code") or "").upper() or None,
        "state": address.get("state") or address.get("province") or address.get("region"),
        "county": address.get("county") or address.get("state_district") or address.get("district"),
        "kind": _kind(raw.get("addresstype") or raw.get("type")),
    }


def _parse_photon(raw: dict) -> dict:
    props = raw["properties"]
    lon, lat = raw["geometry"]["coordinates"][:2]
    # "place=village" says more than Photon's coarse type ("locality"); boundaries have only the type
    kind_word = props.get("osm_value") if props.get("osm_key") == "place" else props.get("type")
    osm_types = {"N": "node", "W": "way", "R": "relation"}
    return {
        "place_id": f"osm:{osm_types.get(props.get('osm_type'), props.get('osm_type'))}/{props.get('osm_id')}",
        "name": props.get("name") or "",
        "display_name": ", ".join(str(props[k]) for k in ("name", "county", "state", "country") if props.get(k)),
        "lat": _coordinate(lat, 90), "lon": _coordinate(lon, 180),
        "country": (props.get("countrycode") or "").upper() or None,
        "state": props.get("state"),
        "county": props.get("county") or props.get("district"),
        "kind": _kind(kind_word),
    }


def _nominatim_kwargs(context: "ArticleContext") -> dict:
    return {"exactly_one": False, "limit": ANSWERS_PER_QUERY, "addressdetails": True, "language": "en",
            "country_codes": [c.lower() for c in context.country_codes], "viewbox": context.viewbox(),
            "bounded": False}


def _photon_kwargs(context: "ArticleContext") -> dict:
    # Photon's bbox is a filter, not a hint, and it has no country filter: bias towards the
    # article's area and leave the country to our own check.
    box = context.viewbox()
    bias = ((box[0][0] + box[1][0]) / 2, (box[0][1] + box[1][1]) / 2) if box else None
    return {"exactly_one": False, "limit": ANSWERS_PER_QUERY, "language": "en", "location_bias": bias}


@dataclass(frozen=True)
class Service:
    """A geopy geocoder conflictmap knows how to ask and to read."""

    name: str
    geocoder_class: Callable[[], type]  # gives the geopy class (importing geopy)
    public_domain: str
    path: str  # what geopy appends to the domain
    query_kwargs: Callable[["ArticleContext"], dict]
    parse: Callable[[dict], dict]


SERVICES = {
    "nominatim": Service("nominatim", _nominatim_v2, "nominatim.openstreetmap.org", "/search", _nominatim_kwargs,
                         _parse_nominatim),
    "photon": Service("photon", _photon, "photon.komoot.io", "/api", _photon_kwargs, _parse_photon),
}
GEOCODER_CHOICES = ("none", *SERVICES)


# -- the article's geography ------------------------------------------------------------------

def _outward(value: float, up: bool) -> float:
    steps = value / VIEWBOX_GRID_DEG
    return round((math.ceil(steps) if up else math.floor(steps)) * VIEWBOX_GRID_DEG, 6)


@dataclass(frozen=True)
class ArticleContext:
    """What the article's resolved places say about where its other places lie."""

    country_codes: tuple[str, ...]  # ISO alpha-2, upper case, sorted
    points: tuple[tuple[str, float, float], ...] = ()  # (name, lat, lon) of its resolved places

    @classmethod
    def of(cls, places: Iterable[Candidate], countries: Iterable[str] = ()) -> "ArticleContext":
        """From an article's resolved places: their countries (else the theatre's), and the
        points of those that are not whole countries or regions."""
        places = [p for p in places if p is not None and p.country]
        codes = {c.upper() for c in countries if c} | {p.country for p in places}
        points = tuple((p.name, p.lat, p.lon) for p in places if p.kind not in ("country", "continent", "region"))
        return cls(tuple(sorted(codes)) or THEATRE, points)

    def viewbox(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """((south, west), (north, east)) around the points, padded and rounded outwards."""
        if not self.points:
            return None
        lats, lons = [p[1] for p in self.points], [p[2] for p in self.points]
        return ((_outward(min(lats) - VIEWBOX_PAD_DEG, False), _outward(min(lons) - VIEWBOX_PAD_DEG, False)),
                (_outward(max(lats) + VIEWBOX_PAD_DEG, True), _outward(max(lons) + VIEWBOX_PAD_DEG, True)))

    def why_implausible(self, answer: dict, max_km: float = MAX_KM) -> str | None:
        """Why this answer cannot be the place the article means, or None when it may be."""
        if answer.get("kind") == "country":
            return "a whole country, not a place in it"
        if answer.get("country") not in self.country_codes:
            return (f"in {answer.get('country') or 'no stated country'}, outside the article's countries "
                    f"({','.join(self.country_codes)})")
        if self.points:
            km, nearest = min((haversine_km(answer["lat"], answer["lon"], lat, lon), name)
                              for name, lat, lon in self.points)
            if km > max_km:
                return f"{km:.0f} km from {nearest}, the nearest place the article names (limit {max_km:.0f} km)"
        return None


@dataclass(frozen=True)
class GeocodeQuery:
    """One question to the service, and its cache key: the name's transliteration key plus
    every parameter that changes the answer."""

    text: str
    service: str
    url: str
    context: ArticleContext

    @property
    def cache_key(self) -> str:
        box = self.context.viewbox()
        return json.dumps({"q": name_key(self.text), "cc": list(self.context.country_codes),
                           "viewbox": [list(box[0]), list(box[1])] if box else None,
                           "service": self.service, "url": self.url}, sort_keys=True, separators=(",", ":"))


# -- the fallback -----------------------------------------------------------------------------

@dataclass(frozen=True)
class GeocoderSettings:
    """How to ask. The defaults are the public services' policies; tests shrink the waits."""

    service: str = "nominatim"
    url: str | None = None  # e.g. http://127.0.0.1:8080 for a self-hosted Nominatim; None: the public one
    user_agent: str = DEFAULT_USER_AGENT
    cache_path: Path | None = None  # None: geo.geocache.default_cache_path()
    timeout: float = 10.0
    retries: int = 2
    backoff_seconds: float = 2.0  # doubled after each failed attempt
    max_retry_after: float = 120.0  # a 429 asking to wait longer than this ends asking for the run
    min_delay_seconds: float = 1.0  # between requests
    max_consecutive_failures: int = 3  # then the service is taken as down for the rest of the run
    max_requests: int | None = 1000  # per run: a fallback, not a bulk geocoder
    max_km: float = MAX_KM


@dataclass
class Located:
    """A geocoded place and whether it came from the service now ("geocoder") or the cache."""

    place: Candidate
    source: str


@dataclass
class GeocodeStats:
    requests: int = 0
    retries: int = 0
    cache_hits: int = 0
    placed: int = 0
    empty: int = 0
    failures: int = 0
    not_asked: int = 0
    rejected: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    stopped: str | None = None
    cache_error: str | None = None


class FallbackGeocoder:
    """Places for names the gazetteer could not resolve, from a geopy geocoder behind a cache.

    ``locate`` never raises for the service's faults: it counts them and returns None.
    """

    def __init__(self, settings: GeocoderSettings | None = None, cache: GeocodeCache | None = None):
        from geopy import exc as geopy_exc
        from geopy.adapters import URLLibAdapter
        from geopy.extra.rate_limiter import RateLimiter

        self.settings = settings = settings or GeocoderSettings()
        if settings.service not in SERVICES:
            raise GeocoderConfigError(f"unknown geocoder {settings.service!r}; choose from {', '.join(SERVICES)}")
        self.service = SERVICES[settings.service]
        scheme, domain = self._endpoint(settings.url)
        if domain == self.service.public_domain and settings.min_delay_seconds < 1:
            raise GeocoderConfigError(f"{domain} allows at most one request a second")
        if not (settings.user_agent or "").strip():
            raise GeocoderConfigError("a geocoder needs a user agent that names the application")
        try:
            self._geopy = self.service.geocoder_class()(
                domain=domain, scheme=scheme, user_agent=settings.user_agent, timeout=settings.timeout,
                adapter_factory=URLLibAdapter)  # the standard library's HTTP: no extra dependency
        except geopy_exc.ConfigurationError as exc:
            raise GeocoderConfigError(str(exc)) from exc
        self.url = f"{scheme}://{domain}"
        delay = settings.min_delay_seconds + (POLICY_MARGIN_S if settings.min_delay_seconds else 0)
        self._ask_once = RateLimiter(self._geopy.geocode, min_delay_seconds=delay, max_retries=0,
                                     swallow_exceptions=False, error_wait_seconds=delay)
        self.cache = cache if cache is not None else GeocodeCache(settings.cache_path)
        self.stats = GeocodeStats()
        self._failed_keys: dict[str, str] = {}  # failed in this run: not asked again until the next
        self._consecutive_failures = 0

    def _endpoint(self, url: str | None) -> tuple[str, str]:
        if not url:
            return "https", self.service.public_domain
        parts = urlsplit(url if "://" in url else f"https://{url}")
        if parts.scheme not in ("http", "https") or not parts.netloc:
            raise GeocoderConfigError(f"geocoder URL {url!r} is not an http(s) URL")
        path = parts.path.rstrip("/")
        if path.endswith(self.service.path):  # ".../search" given in full
            path = path[: -len(self.service.path)]
        return parts.scheme, parts.netloc + path

    # -- asking -------------------------------------------------------------------------------

    def locate(self, name: str, context: ArticleContext, doc_id: str | None = None) -> Located | None:
        """The place ``name`` most plausibly is in this article's context, or None."""
        if not name_key(name):
            return None
        query = GeocodeQuery(name, self.service.name, self.url, context)
        key = query.cache_key
        answers = self._cached(key)
        source = "cache"
        if answers is not None:
            self.stats.cache_hits += 1
        elif self.stats.stopped:
            self.stats.not_asked += 1
            return None
        elif key in self._failed_keys:
            self._record_failure(name, doc_id, f"{self._failed_keys[key]} (earlier in this run; not asked again)")
            return None
        else:
            try:
                answers = self._ask(query)
            except GeocodeFailure as failure:
                self._failed_keys[key] = failure.reason
                self._record_failure(name, doc_id, failure.reason)
                self._consecutive_failures += 1
                if failure.stops or self._consecutive_failures >= self.settings.max_consecutive_failures:
                    self.stats.stopped = f"stopped asking after {failure.reason}"
                return None
            except _BudgetSpent:
                self.stats.not_asked += 1
                return None
            self._consecutive_failures = 0
            self._store(key, name, answers)
            source = "geocoder"
        if not answers:
            self.stats.empty += 1
            return None
        for answer in answers:
            reason = context.why_implausible(answer, self.settings.max_km)
            if reason is None:
                self.stats.placed += 1
                return Located(self._candidate(answer, name), source)
            self.stats.rejected.append({"name": name, "doc_id": doc_id, "reason": reason, "answer": answer["display_name"],
                                        "place_id": answer["place_id"], "lat": answer["lat"], "lon": answer["lon"],
                                        "country": answer["country"], "source": source})
        return None

    def _ask(self, query: GeocodeQuery) -> list[dict]:
        """One question, retried with backoff on faults that may pass; raises GeocodeFailure."""
        settings = self.settings
        for attempt in range(settings.retries + 1):
            if settings.max_requests is not None and self.stats.requests >= settings.max_requests:
                self.stats.stopped = f"request budget of {settings.max_requests} spent"
                raise _BudgetSpent()
            self.stats.requests += 1
            self.stats.retries += attempt > 0
            try:
                return self._request(query)
            except GeocodeFailure as failure:
                if not failure.retryable or attempt == settings.retries:
                    raise
                wait = settings.backoff_seconds * 2 ** attempt
                if failure.retry_after is not None:
                    if failure.retry_after > settings.max_retry_after:
                        failure.stops = True
                        raise
                    wait = max(wait, failure.retry_after)
                log.info("geocoder: %s for %r; retrying in %.1f s", failure.reason, query.text, wait)
                time.sleep(wait)
        raise AssertionError("unreachable")

    def _request(self, query: GeocodeQuery) -> list[dict]:
        from geopy import exc as geopy_exc

        try:
            found = self._ask_once(query.text, **self.service.query_kwargs(query.context))
            return [self.service.parse(location.raw) for location in (found or [])]
        except GeocodeFailure:
            raise
        except geopy_exc.GeopyError as error:
            raise failure_from(error) from error
        except (ValueError, TypeError, KeyError, AttributeError, IndexError) as error:
            raise GeocodeBadAnswer(f"unexpected answer: {type(error).__name__}: {error}"[:200]) from error

    # A broken cache (disk full, file locked for long) costs repeated requests, not the run.
    def _cached(self, key: str) -> list[dict] | None:
        try:
            return self.cache.get(key)
        except GeocodeCacheError as exc:
            self.stats.cache_error = str(exc)
            return None

    def _store(self, key: str, name: str, answers: list[dict]) -> None:
        try:
            self.cache.put(key, name, answers)
        except GeocodeCacheError as exc:
            self.stats.cache_error = str(exc)

    def _candidate(self, answer: dict, query: str) -> Candidate:
        return Candidate(place_id=answer["place_id"], name=answer["name"] or query, lat=answer["lat"],
                         lon=answer["lon"], kind=answer["kind"], country=answer["country"], admin1=answer["state"],
                         admin2=answer["county"], population=0, source=self.service.name, matched=query,
                         score=GEOCODED_SCORE)

    def _record_failure(self, name: str, doc_id: str | None, reason: str) -> None:
        self.stats.failures += 1
        self.stats.failed.append({"name": name, "doc_id": doc_id, "reason": reason})

    # -- reporting ----------------------------------------------------------------------------

    def report(self) -> dict:
        """The run's dealings with the service, for report.json's "geocoder"."""
        s = self.stats
        return {"service": self.service.name, "url": self.url, "cache": str(self.cache.path),
                "requests": s.requests, "retries": s.retries, "cache_hits": s.cache_hits, "placed": s.placed,
                "empty": s.empty, "failures": s.failures, "not_asked": s.not_asked, "stopped": s.stopped,
                "cache_error": s.cache_error, "rejected": s.rejected, "failed": s.failed}

    def summary(self) -> str:
        s = self.stats
        text = (f"geocoder {self.service.name}: {s.requests} requests, {s.cache_hits} from cache, {s.placed} placed, "
                f"{len(s.rejected)} rejected, {s.failures} failed")
        return text + (f"; {s.stopped}" if s.stopped else "")

    def close(self) -> None:
        self.cache.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


class _BudgetSpent(Exception):
    """The run's request budget is spent: not a fault of the service."""


def open_geocoder(service: str, **settings) -> FallbackGeocoder | None:
    """A FallbackGeocoder for ``service``, or None for "none" (which opens nothing at all)."""
    if service == "none":
        return None
    return FallbackGeocoder(GeocoderSettings(service=service, **{k: v for k, v in settings.items() if v is not None}))
