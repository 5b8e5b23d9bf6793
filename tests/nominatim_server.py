"""A local stand-in for Nominatim's ``/search`` (and Photon's ``/api``) for the geocoder tests.

It answers with the services' real JSON shapes (Nominatim's format=jsonv2, address details
when asked; Photon's GeoJSON), records every request with its arrival time, and fails on
demand in each way a real service does.

>>> with NominatimServer() as server:
...     server.add(nominatim_place("Zarqat al-Test", 34.7, 40.85))
...     from urllib.request import urlopen
...     body = urlopen(server.url + "/search?q=Zarqat+al-Test&format=jsonv2&addressdetails=1").read()
...     import json; hit = json.loads(body)[0]
...     hit["lat"], hit["address"]["country_code"], len(server.requests)
('34.7', 'sy', 1)

Faults (``server.fault`` for every request, or ``server.faults`` consumed one per request):
"timeout" (answers after ``sleep_seconds``), "close" (drops the connection unanswered),
"429" (with ``Retry-After: 1``), "500", "503", "badjson" (invalid JSON), "badshape" (JSON
that is no list of places), "empty" (``[]``). :func:`refused_url` is a port nobody listens on.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

LICENCE = "Data © OpenStreetMap contributors, ODbL 1.0. http://osm.org/copyright"
COUNTRIES = {"sy": "Syria", "iq": "Iraq", "tr": "Türkiye"}


def nominatim_place(name: str, lat: float, lon: float, country_code: str = "sy",
                    state: str = "Deir ez-Zor Governorate", county: str | None = None,
                    addresstype: str = "village", osm_id: int = 2_000_000_001) -> dict:
    """One place as Nominatim's /search?format=jsonv2&addressdetails=1 returns it."""
    address = {addresstype: name, **({"county": county} if county else {}), "state": state,
               "ISO3166-2-lvl4": f"{country_code.upper()}-DZ", "country": COUNTRIES.get(country_code, country_code),
               "country_code": country_code}
    return {
        "place_id": osm_id % 1_000_000 + 100_000, "licence": LICENCE, "osm_type": "node", "osm_id": osm_id,
        "lat": str(lat), "lon": str(lon), "category": "place", "type": addresstype, "place_rank": 19,
        "importance": 0.11, "addresstype": addresstype, "name": name,
        "display_name": ", ".join(v for v in (name, county, state, COUNTRIES.get(country_code, country_code)) if v),
        "address": address,
        "boundingbox": [str(lat - 0.01), str(lat + 0.01), str(lon - 0.01), str(lon + 0.01)],
    }


def photon_feature(place: dict) -> dict:
    """The same place as Photon's /api GeoJSON feature."""
    address = place["address"]
    return {"type": "Feature", "geometry": {"type": "Point", "coordinates": [float(place["lon"]), float(place["lat"])]},
            "properties": {"osm_type": "N", "osm_id": place["osm_id"], "osm_key": "place", "osm_value": place["type"],
                           "type": "locality" if place["type"] == "village" else place["type"], "name": place["name"],
                           "state": address.get("state"), "county": address.get("county"),
                           "country": address.get("country"), "countrycode": address["country_code"].upper()}}


@dataclass
class SeenRequest:
    at: float  # time.monotonic() on arrival
    path: str
    params: dict[str, str]
    headers: dict[str, str]


class NominatimServer:
    """An HTTP server on 127.0.0.1 (a free port) in a thread; ``url`` is its base URL."""

    def __init__(self):
        self.places: dict[str, list[dict]] = {}
        self.fault: str | None = None
        self.faults: list[str | None] = []
        self.sleep_seconds = 1.0
        self.requests: list[SeenRequest] = []
        self._lock = threading.Lock()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler_class())
        self._httpd.daemon_threads = True
        # A short poll so shutdown() returns at once, not after serve_forever's default 0.5 s.
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.02}, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def add(self, *places: dict, query: str | None = None) -> None:
        """Answer ``query`` (default: the first place's name) with these places, best first."""
        self.places[(query or places[0]["name"]).strip().lower()] = list(places)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._httpd.shutdown()
        self._httpd.server_close()

    def _next_fault(self) -> str | None:
        with self._lock:
            return self.faults.pop(0) if self.faults else self.fault

    def _handler_class(self):
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest's output clean
                pass

            def do_GET(self):
                parts = urlsplit(self.path)
                params = {k: v[-1] for k, v in parse_qs(parts.query).items()}
                with server._lock:
                    server.requests.append(SeenRequest(time.monotonic(), parts.path, params, dict(self.headers)))
                fault = server._next_fault()
                if fault == "close":
                    self.close_connection = True
                    self.connection.shutdown(socket.SHUT_RDWR)
                    return
                if fault == "timeout":
                    time.sleep(server.sleep_seconds)
                if fault == "429":
                    return self._send(429, b'{"error": "Too Many Requests"}', {"Retry-After": "1"})
                if fault in ("500", "503"):
                    return self._send(int(fault), b"<html><body>Service Unavailable</body></html>", ctype="text/html")
                if fault == "badjson":
                    return self._send(200, b'[{"place_id": 1, "lat": "34.7", ')
                if fault == "badshape":
                    return self._send(200, b'[{"place_id": 1, "lat": "north", "lon": null}]')
                if fault == "empty":
                    return self._send(200, b"[]")
                found = server.places.get(params.get("q", "").strip().lower(), [])
                if parts.path.rstrip("/") == "/api":
                    body = {"type": "FeatureCollection", "features": [photon_feature(p) for p in found]}
                elif parts.path.rstrip("/") == "/search":
                    body = [p if params.get("addressdetails") == "1" else {k: v for k, v in p.items() if k != "address"}
                            for p in found[: int(params.get("limit", 10))]]
                else:
                    return self._send(404, b'{"error": "not found"}')
                self._send(200, json.dumps(body).encode())

            def _send(self, status: int, body: bytes, headers: dict | None = None, ctype: str = "application/json"):
                self.send_response(status)
                self.send_header("Content-Type", f"{ctype}; charset=utf-8")
                self.send_header("Content-Length", str(len(body)))
                for k, v in (headers or {}).items():
                    self.send_header(k, v)
                self.end_headers()
                try:
                    self.wfile.write(body)
                except OSError:  # the client gave up waiting (timeout mode)
                    pass

        return Handler


def refused_url() -> str:
    """A local URL on which every connection is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}"
