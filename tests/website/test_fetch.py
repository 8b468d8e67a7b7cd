"""The audit's fetcher against hostile servers on 127.0.0.1: byte caps on every fetch (gzip
bombs included), deadlines that a trickling server cannot stretch, and no request to an internal
address unless an operator allowed it. Names that must resolve use an injected resolver: no
test sends anything beyond 127.0.0.1."""

from __future__ import annotations

import contextlib
import gzip
import ipaddress
import ssl
import threading
import time
import tracemalloc
from collections.abc import Callable, Iterator
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import trustme

from collectors.fetch import Fetcher, FetchPolicy, FetchProblem, check_target, refused_reason
from collectors.website import audit_url
from seo_monitor.website import Profile

HOME = (
    b"<!doctype html><html lang='en'><head><title>Riverbend Physical Therapy in Austin</title>"
    b"</head><body><h1>Physical therapy</h1><a href='/contact'>Contact</a>"
    b"<a href='/team'>Team</a><a href='/visit'>Visit</a></body></html>"
)
BOMB = gzip.compress(b"\0" * 200_000_000, compresslevel=9)  # 200 MB unpacked, ~200 kB sent

Route = Callable[[BaseHTTPRequestHandler], None]


class Server:
    """A local site whose answers the test chooses; it counts requests by path."""

    def __init__(self, routes: dict[str, Route], tls: ssl.SSLContext | None = None) -> None:
        self.routes, self.hits, self.hosts = routes, {}, []
        self.stop = threading.Event()
        owner = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                owner.hits[self.path] = owner.hits.get(self.path, 0) + 1
                owner.hosts.append(self.headers.get("Host", ""))
                route = owner.routes.get(self.path, page(b"not here", status=404))
                with contextlib.suppress(BrokenPipeError, ConnectionResetError):
                    route(self)  # a client that gave up, as it should, is no error

            do_HEAD = do_GET

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        if tls is not None:
            self.httpd.socket = tls.wrap_socket(self.httpd.socket, server_side=True)
        self.port = self.httpd.server_address[1]
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str = "/", host: str = "127.0.0.1") -> str:
        scheme = "https" if isinstance(self.httpd.socket, ssl.SSLSocket) else "http"
        return f"{scheme}://{host}:{self.port}{path}"

    def close(self) -> None:
        self.stop.set()
        self.httpd.shutdown()
        self.httpd.server_close()


def page(
    body: bytes, status: int = 200, kind: str = "text/html; charset=utf-8", **headers: str
) -> Route:
    def route(handler: BaseHTTPRequestHandler) -> None:
        handler.send_response(status)
        handler.send_header("Content-Type", kind)
        handler.send_header("Content-Length", str(len(body)))
        for name, value in headers.items():
            handler.send_header(name.replace("_", "-"), value)
        handler.end_headers()
        if handler.command != "HEAD":
            handler.wfile.write(body)

    return route


def redirect(location: str) -> Route:
    return page(b"", status=302, Location=location)


def trickle(where: str, stop: threading.Event, every: float = 0.2) -> Route:
    """One byte every `every` seconds (1 byte/s scaled down), on the headers or the body: each
    byte arrives long before any per-read timeout, so only a whole-request deadline ends it."""

    def route(handler: BaseHTTPRequestHandler) -> None:
        out = handler.wfile
        out.write(b"HTTP/1.1 200 OK\r\n")
        if where == "body":
            out.write(b"Content-Type: text/html\r\nContent-Length: 1000\r\n\r\n<p>")
        for _ in range(200):  # at most 40 s, and it stops with the test
            if stop.wait(every):
                return
            out.write(b"x" if where == "body" else b"X")
            out.flush()

    return route


@pytest.fixture
def serve() -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(routes: dict[str, Route], tls: ssl.SSLContext | None = None) -> Server:
        servers.append(Server(routes, tls))
        return servers[-1]

    yield start
    for server in servers:
        server.close()


LOCAL = FetchPolicy(allow_hosts=frozenset({"127.0.0.1"}))


def unreachable_reason(url: str, policy: FetchPolicy = LOCAL) -> str:
    result = audit_url(url, Profile(), policy)
    assert result.score is None and result.reason is not None
    assert result.findings[0].message == f"site unreachable: {result.reason}"
    return result.reason


# 1. One byte cap for every fetch, counted on the decoded body.


def test_a_gzip_bomb_robots_txt_is_cut_off_at_the_cap_and_read_once(
    serve: Callable[..., Server],
) -> None:
    bomb = page(BOMB, kind="text/plain", Content_Encoding="gzip")
    site = serve({"/robots.txt": bomb, "/": page(HOME), "/contact": page(HOME)})
    tracemalloc.start()
    try:
        result = audit_url(site.url(), Profile(), LOCAL)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert result.score is not None  # an unreadable robots.txt forbids nothing
    assert peak < 40_000_000, peak  # the 200 MB of robots.txt were never held
    assert site.hits["/robots.txt"] == 1  # not once per page read
    assert site.hits["/contact"] == 1


@pytest.mark.parametrize(
    ("body", "headers"),
    [
        (BOMB, {"Content_Encoding": "gzip"}),
        (b"<p>" + b"x" * 3_100_000, {}),
    ],
    ids=["gzip bomb", "plain"],
)
def test_an_oversized_page_is_refused_as_it_streams(
    serve: Callable[..., Server], body: bytes, headers: dict[str, str]
) -> None:
    site = serve({"/": page(body, **headers)})
    assert "over 3 MB" in unreachable_reason(site.url())


def test_a_gzip_page_within_the_cap_is_read(serve: Callable[..., Server]) -> None:
    site = serve({"/": page(gzip.compress(HOME), Content_Encoding="gzip")})
    result = audit_url(site.url(), Profile("Riverbend Physical Therapy"), LOCAL)
    assert result.score is not None and "name" not in {f.check for f in result.findings}


# 2. Deadlines a trickling server cannot stretch.

FAST = replace(LOCAL, request_seconds=1.0, site_seconds=2.0)


@pytest.mark.parametrize("where", ["headers", "body"])
def test_a_page_trickling_one_byte_at_a_time_ends_at_the_deadline(
    serve: Callable[..., Server], where: str
) -> None:
    site = serve({})
    site.routes["/"] = trickle(where, site.stop)
    started = time.monotonic()
    reason = unreachable_reason(site.url(), FAST)
    assert time.monotonic() - started < 3  # the server would go on for 40 s
    assert reason == "too slow: no complete answer within 1 s"


def test_a_trickling_robots_txt_ends_the_audit_with_a_clear_reason(
    serve: Callable[..., Server],
) -> None:
    site = serve({"/": page(HOME)})
    site.routes["/robots.txt"] = trickle("body", site.stop)
    started = time.monotonic()
    reason = unreachable_reason(site.url(), FAST)
    assert time.monotonic() - started < 3  # the server would go on for 40 s
    assert reason == "robots.txt too slow: no complete answer within 1 s"


def test_the_whole_audit_has_a_deadline_however_many_slow_pages(
    serve: Callable[..., Server],
) -> None:
    def slow(handler: BaseHTTPRequestHandler) -> None:
        time.sleep(1.5)  # under the page deadline, but three of them pass the site's
        page(HOME)(handler)

    site = serve({"/": page(HOME), "/contact": slow, "/team": slow, "/visit": slow})
    started = time.monotonic()
    result = audit_url(site.url(), Profile(), replace(LOCAL, site_seconds=1.0))
    assert time.monotonic() - started < 3  # not the 4.5 s the three slow pages take
    [speed] = [f for f in result.findings if f.check == "speed"]
    assert "could not be read in time (15 s a page, 1 s for the site)" in speed.message
    assert result.score is not None  # the home page was read: the audit still counts


# 3. Server-side request forgery: internal addresses are refused before connecting.


@pytest.mark.parametrize(
    ("url", "why"),
    [
        ("http://127.0.0.1:9/", "127.0.0.1 is a loopback address"),
        ("http://10.0.0.7/admin", "10.0.0.7 is a private address"),
        ("http://192.168.1.1/", "192.168.1.1 is a private address"),
        ("http://172.16.0.1/", "172.16.0.1 is a private address"),
        ("http://169.254.169.254/latest/meta-data/", "169.254.169.254 is a link-local address"),
        ("http://100.64.0.1/", "100.64.0.1 is a non-public address"),
        ("http://0.0.0.0/", "0.0.0.0 is an unspecified address"),
        ("http://224.0.0.1/", "224.0.0.1 is a multicast address"),
        ("http://240.0.0.1/", "240.0.0.1 is a private address"),
        ("http://[::1]:8501/", "::1 is a loopback address"),
        ("http://[::ffff:127.0.0.1]/", "::ffff:127.0.0.1 is a loopback address"),
        ("http://[::ffff:169.254.169.254]/", "::ffff:169.254.169.254 is a link-local address"),
        ("http://[2002:a00:1::]/", "2002:a00:1:: is a private address"),
        ("http://[fe80::1]/", "fe80::1 is a link-local address"),
        ("http://[fd00::1]/", "fd00::1 is a private address"),
        ("http://[ff02::1]/", "ff02::1 is a multicast address"),
        ("http://[::]/", ":: is an unspecified address"),
        ("ftp://example.com/", "only http and https addresses can be audited (not ftp:)"),
        ("file:///etc/passwd", "only http and https addresses can be audited (not file:)"),
        ("http://:80/", "the address has no host name"),
    ],
)
def test_internal_addresses_and_other_schemes_are_refused(url: str, why: str) -> None:
    # The default policy, as the dashboard's competitor box had it: no host allowed.
    assert why in unreachable_reason(url, FetchPolicy())


def fake_dns(table: dict[str, list[str]], calls: list[str]) -> Callable[[str, int], list[str]]:
    def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return table[host]

    return resolve


def test_a_name_that_resolves_to_an_internal_address_is_refused_after_resolution() -> None:
    calls: list[str] = []
    dns = fake_dns({"intranet.clinic.example": ["93.184.215.14", "10.1.2.3"]}, calls)
    reason = unreachable_reason("https://intranet.clinic.example/", FetchPolicy(resolve=dns))
    assert reason.startswith("intranet.clinic.example resolves to a private address: only")
    assert "10.1.2.3" not in reason
    assert set(calls) == {"intranet.clinic.example"}  # robots.txt and the page


def test_a_slow_name_lookup_ends_at_the_deadline() -> None:
    answered = threading.Event()

    def slow_dns(host: str, port: int) -> list[str]:
        answered.wait(5)  # a DNS server that takes its time
        return ["93.184.215.14"]

    started = time.monotonic()
    reason = unreachable_reason("https://slow-dns.example/", replace(FAST, resolve=slow_dns))
    answered.set()
    assert time.monotonic() - started < 3  # the DNS answer takes 5 s
    assert reason == "robots.txt too slow: no complete answer within 1 s"  # its lookup, first


def test_every_redirect_hop_is_checked(serve: Callable[..., Server]) -> None:
    inner = serve({"/": page(HOME)})
    site = serve(
        {
            "/metadata": redirect("http://169.254.169.254/latest/meta-data/"),
            "/private": redirect("http://10.0.0.7/"),
            "/other-port": redirect(inner.url()),
            "/": page(HOME),
        }
    )
    only_site = FetchPolicy(allow_hosts=frozenset({f"127.0.0.1:{site.port}"}))
    assert "169.254.169.254 is a link-local address" in unreachable_reason(
        site.url("/metadata"), only_site
    )
    assert "10.0.0.7 is a private address" in unreachable_reason(site.url("/private"), only_site)
    assert "127.0.0.1 is a loopback address" in unreachable_reason(
        site.url("/other-port"), only_site
    )
    assert inner.hits == {}  # refused before connecting
    assert audit_url(site.url(), Profile(), only_site).score is not None


def test_the_connection_goes_to_the_address_that_was_checked(
    serve: Callable[..., Server],
) -> None:
    site = serve({"/": page(HOME)})
    calls: list[str] = []
    dns = fake_dns({"clinic.example": ["127.0.0.1"]}, calls)
    policy = FetchPolicy(allow_hosts=frozenset({"clinic.example"}), resolve=dns)
    fetched = Fetcher(policy).get(site.url(host="clinic.example"))
    assert fetched.status == 200 and fetched.body == HOME
    assert calls == ["clinic.example"]  # one lookup, no second chance for a rebinding DNS
    assert site.hosts == [f"clinic.example:{site.port}"]


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


def tls_server(serve: Callable[..., Server], ca: trustme.CA, name: str) -> tuple[Server, list]:
    names: list[str | None] = []
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert(name).configure_cert(context)
    context.sni_callback = lambda sock, server_name, _: names.append(server_name)
    return serve({"/": page(HOME)}, tls=context), names


def tls_policy(ca: trustme.CA) -> FetchPolicy:
    client = ssl.create_default_context()
    ca.configure_trust(client)
    dns = fake_dns({"clinic.example": ["127.0.0.1"]}, [])
    return FetchPolicy(allow_hosts=frozenset({"clinic.example"}), resolve=dns, tls=client)


def test_https_keeps_the_server_name_and_certificate_check_of_the_host(
    serve: Callable[..., Server], ca: trustme.CA
) -> None:
    site, names = tls_server(serve, ca, "clinic.example")
    result = audit_url(site.url(host="clinic.example"), Profile(), tls_policy(ca))
    assert result.score is not None and "https" not in {f.check for f in result.findings}
    assert "clinic.example" in names


def test_a_certificate_for_another_name_is_refused(
    serve: Callable[..., Server], ca: trustme.CA
) -> None:
    site, _ = tls_server(serve, ca, "other.example")
    reason = unreachable_reason(site.url(host="clinic.example"), tls_policy(ca))
    assert reason.startswith("the certificate is not valid for clinic.example")


@pytest.mark.parametrize(
    ("address", "refused"),
    [
        ("93.184.215.14", None),
        ("2606:2800:21f:cb07:6820:80da:af6b:8b2c", None),
        ("::ffff:10.0.0.1", "a private"),
        ("64:ff9b::a00:1", "a private"),  # NAT64 of 10.0.0.1
        ("64:ff9b::5db8:d70e", None),  # NAT64 of a public address
        ("2001:0:5db8:d70e::", "a private"),  # Teredo
        ("198.18.0.1", "a private"),  # benchmarking
    ],
)
def test_public_and_embedded_addresses(address: str, refused: str | None) -> None:
    assert refused_reason(ipaddress.ip_address(address)) == refused


def test_addresses_with_spaces_or_accents_are_sent_encoded(serve: Callable[..., Server]) -> None:
    site = serve({"/caf%C3%A9?q=a%20b": page(HOME)})
    assert Fetcher(LOCAL).get(site.url("/café?q=a b")).status == 200


def test_an_allowed_host_may_be_named_with_or_without_its_port() -> None:
    assert check_target("http://127.0.0.1:8080/", LOCAL).address == "127.0.0.1"
    with_port = FetchPolicy(allow_hosts=frozenset({"[::1]:8080"}))
    assert check_target("http://[::1]:8080/x?y=1", with_port).path == "/x?y=1"
    with pytest.raises(FetchProblem, match="loopback"):
        check_target("http://[::1]:8081/", with_port)
