"""Reading someone else's web server safely: the website audit's only way onto the network.

Every fetch (robots.txt, pages, link checks) goes through `Fetcher.get`, which
1. accepts http and https addresses only;
2. resolves the host and refuses loopback, private, link-local, multicast, reserved and
   unspecified addresses (IPv4, IPv6 and IPv4 inside IPv6), unless the operator allowed the host
   (`[website] allow_hosts`);
3. connects to the address it checked (no second lookup an attacker's DNS could answer
   differently), keeping TLS server name and certificate checks for the host name;
4. follows redirects itself, checking every hop the same way;
5. gives the whole request (lookups, connect, headers, body, redirects) one deadline, and the
   whole site another, instead of a timeout that each byte resets;
6. stops reading once the decoded body (gzip and deflate are decoded as they stream) passes the
   byte cap.
"""

from __future__ import annotations

import http.client
import io
import ipaddress
import select
import socket
import ssl
import threading
import time
import zlib
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

import certifi
from requests.utils import requote_uri

from seo_monitor import __version__
from seo_monitor.config import Settings

USER_AGENT = f"seo-monitor/{__version__} (website audit; +https://github.com/seo-monitor)"
REDIRECTS = (301, 302, 303, 307, 308)
CHUNK = 64 * 1024
NAT64 = ipaddress.ip_network("64:ff9b::/96")

Resolver = Callable[[str, int], Sequence[str]]
IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class FetchProblem(Exception):
    """Why a fetch gave up, in words for a finding; `status` when the server answered."""

    def __init__(self, message: str, status: int | None = None, *, slow: bool = False) -> None:
        super().__init__(message)
        self.status = status
        self.slow = slow


def resolve_host(host: str, port: int) -> list[str]:
    """The system resolver's addresses for `host`, in its order of preference."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    return [str(info[4][0]) for info in infos]


@dataclass(frozen=True)
class FetchPolicy:
    """Limits of one audit. The defaults are safe for any address a user types."""

    allow_hosts: frozenset[str] = frozenset()  # "host" (any port) or "host:port", lower case
    request_seconds: float = 15.0
    site_seconds: float = 60.0
    max_bytes: int = 3_000_000
    max_redirects: int = 5
    resolve: Resolver = resolve_host
    tls: ssl.SSLContext | None = None  # None: the system's defaults with certifi's roots
    user_agent: str = USER_AGENT  # what the requests say they are (the listings check: its own)

    @classmethod
    def from_settings(cls, settings: Settings, **overrides: Any) -> FetchPolicy:
        website = settings.website
        return cls(
            allow_hosts=frozenset(map(allow_entry, website.allow_hosts)),
            request_seconds=website.request_timeout_seconds,
            site_seconds=website.site_timeout_seconds,
            **overrides,
        )


@dataclass(frozen=True)
class Target:
    """One hop: where the URL points and the address checked for it."""

    url: str
    scheme: str
    host: str
    port: int
    address: str
    path: str


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    seconds: float
    hops: list[str] = field(default_factory=list)  # the addresses that redirected here


def refused_reason(address: IPAddress) -> str | None:
    """Why an address is not on the public internet, or None when it is. An IPv4 address
    inside an IPv6 one (mapped, NAT64, 6to4, Teredo) is checked too."""
    if isinstance(address, ipaddress.IPv6Address):
        if address.ipv4_mapped is not None:
            return refused_reason(address.ipv4_mapped)
        if address in NAT64:  # DNS64 on an IPv6-only network: the IPv4 address decides
            return refused_reason(ipaddress.IPv4Address(int(address) & 0xFFFFFFFF))
        for embedded in _embedded_ipv4(address):
            if reason := refused_reason(embedded):
                return reason
    for reason, hit in (
        ("a loopback", address.is_loopback),
        ("an unspecified", address.is_unspecified),
        ("a link-local", address.is_link_local),
        ("a multicast", address.is_multicast),
        ("a private", address.is_private),
        ("a reserved", address.is_reserved),
        ("a non-public", not address.is_global),
    ):
        if hit:
            return reason
    return None


def _embedded_ipv4(address: ipaddress.IPv6Address) -> list[ipaddress.IPv4Address]:
    found = [address.sixtofour, *(address.teredo or ())]
    return [embedded for embedded in found if embedded is not None]


def allow_entry(entry: str) -> str:
    """An allow_hosts entry as `is_allowed` compares it: "host", "host:port", "[v6]:port"."""
    parts = urlsplit(f"//{entry.strip()}")
    host = (parts.hostname or "").lower()
    return _host_port(host, parts.port) if parts.port else host


def _host_port(host: str, port: int) -> str:
    return f"[{host}]:{port}" if ":" in host else f"{host}:{port}"


def is_allowed(policy: FetchPolicy, host: str, port: int) -> bool:
    host = host.lower()
    return host in policy.allow_hosts or _host_port(host, port) in policy.allow_hosts


def check_target(url: str, policy: FetchPolicy, seconds: float | None = None) -> Target:
    """The checked hop for `url`, or FetchProblem saying why it may not be read; the name's
    lookup may take `seconds` (DeadlineReached after that)."""
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        raise FetchProblem(f"only http and https addresses can be audited (not {scheme or '…'}:)")
    try:
        host, port = parts.hostname, parts.port or (443 if scheme == "https" else 80)
    except ValueError:
        raise FetchProblem("the address has an invalid port") from None
    if not host:
        raise FetchProblem("the address has no host name")
    # As a browser sends it: non-ASCII and spaces percent-encoded, existing escapes kept.
    path = requote_uri((parts.path or "/") + (f"?{parts.query}" if parts.query else ""))
    try:
        addresses = (
            [ipaddress.ip_address(host)]
            if _is_literal(host)
            else _lookup(host, port, policy, seconds)
        )
    except (OSError, UnicodeError, ValueError):
        raise FetchProblem(f"the host name {host} does not resolve") from None
    if not addresses:
        raise FetchProblem(f"the host name {host} does not resolve")
    if not is_allowed(policy, host, port):
        for address in addresses:
            reason = refused_reason(address)
            if reason:
                # Which internal address a name has is not told: no map of the network.
                verb = "is" if _is_literal(host) else "resolves to"
                raise FetchProblem(
                    f"{host} {verb} {reason} address: only public websites are audited "
                    "(an operator can allow an internal host with [website] allow_hosts)"
                )
    return Target(url, scheme, host, port, str(addresses[0]), path)


def _is_literal(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def _lookup(host: str, port: int, policy: FetchPolicy, seconds: float | None) -> list[IPAddress]:
    """The resolver's answer within `seconds`: the system's resolver has no deadline of its
    own, so it runs in a thread that is left behind when a slow DNS server overruns."""
    answer: list[Sequence[str] | Exception] = []

    def work() -> None:
        try:
            answer.append(policy.resolve(host, port))
        except Exception as exc:  # handed to the caller below
            answer.append(exc)

    worker = threading.Thread(target=work, name="audit-dns", daemon=True)
    worker.start()
    worker.join(seconds)
    if not answer:
        raise DeadlineReached
    if isinstance(answer[0], Exception):
        raise answer[0]
    # A scope id (fe80::1%eth0) is dropped: the address alone decides.
    return [ipaddress.ip_address(a.split("%", 1)[0]) for a in answer[0]]


class Fetcher:
    """One audit's fetches: the site's deadline, and robots.txt remembered per site."""

    def __init__(self, policy: FetchPolicy, clock: Callable[[], float] = time.monotonic) -> None:
        self.policy = policy
        self.clock = clock
        self.deadline = clock() + policy.site_seconds
        self.robots: dict[str, Any] = {}

    def out_of_time(self) -> bool:
        return self.clock() >= self.deadline

    def get(self, url: str, method: str = "GET") -> Fetched:
        """The response for `url` after redirects (each hop checked), within the deadlines."""
        started = self.clock()
        deadline = min(started + self.policy.request_seconds, self.deadline)
        hops: list[str] = []
        if deadline <= started:
            raise self.too_slow(deadline)
        for _ in range(self.policy.max_redirects + 1):
            try:
                target = check_target(url, self.policy, remaining(deadline, self.clock))
            except DeadlineReached:
                raise self.too_slow(deadline) from None
            status, headers, body = self._exchange(target, method, deadline)
            location = headers.get("Location")
            if status not in REDIRECTS or not location:
                return Fetched(url, status, headers, body, self.clock() - started, hops)
            hops.append(url)
            url = urljoin(url, location.strip())
            method = "GET" if status == 303 and method != "HEAD" else method
        raise FetchProblem(f"more than {self.policy.max_redirects} redirects (a redirect loop?)")

    def _exchange(
        self, target: Target, method: str, deadline: float
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        connection = PinnedConnection(target, deadline, self.policy, self.clock)
        try:
            connection.request(method, target.path, headers=request_headers(self.policy.user_agent))
            with connection.getresponse() as response:
                body = b"" if method == "HEAD" else read_body(response, self.policy.max_bytes)
                return response.status, response.headers, body
        except FetchProblem:
            raise
        except (TimeoutError, DeadlineReached):
            raise self.too_slow(deadline) from None
        except ssl.SSLCertVerificationError as exc:
            raise FetchProblem(
                f"the certificate is not valid for {target.host}: {exc.verify_message}"
            ) from None
        except (OSError, http.client.HTTPException, ValueError) as exc:
            raise FetchProblem(f"the connection failed ({type(exc).__name__})") from None
        finally:
            connection.close()

    def too_slow(self, deadline: float) -> FetchProblem:
        if deadline >= self.deadline:
            seconds, what = self.policy.site_seconds, "for the whole site"
        else:
            seconds, what = self.policy.request_seconds, ""
        return FetchProblem(
            f"too slow: no complete answer within {seconds:g} s {what}".rstrip(), slow=True
        )


def request_headers(user_agent: str = USER_AGENT) -> dict[str, str]:
    return {
        "User-Agent": user_agent,
        "Accept": "text/html,application/xhtml+xml;q=0.9,*/*;q=0.5",
        "Accept-Encoding": "gzip, deflate",
        "Connection": "close",
    }


class DeadlineReached(Exception):
    pass


def remaining(deadline: float, clock: Callable[[], float]) -> float:
    left = deadline - clock()
    if left <= 0:
        raise DeadlineReached
    return left


class PinnedConnection(http.client.HTTPConnection):
    """http.client's request and response handling on a socket to the checked address; the
    Host header, TLS server name and certificate check use the host name."""

    def __init__(
        self,
        target: Target,
        deadline: float,
        policy: FetchPolicy,
        clock: Callable[[], float],
    ) -> None:
        super().__init__(target.host, target.port)
        self.target, self.deadline_at, self.policy, self.clock = target, deadline, policy, clock

    def connect(self) -> None:
        left = remaining(self.deadline_at, self.clock)
        sock = socket.create_connection((self.target.address, self.target.port), timeout=left)
        if self.target.scheme == "https":
            sock = self._tls(sock)
        self.sock = DeadlineSocket(sock, self.deadline_at, self.clock)

    def _tls(self, sock: socket.socket) -> ssl.SSLSocket:
        """The TLS handshake, bounded by the deadline however slowly the server answers."""
        context = self.policy.tls or default_tls()
        tls = context.wrap_socket(
            sock, server_hostname=self.target.host, do_handshake_on_connect=False
        )
        tls.setblocking(False)
        while True:
            try:
                tls.do_handshake()
                break
            except ssl.SSLWantReadError:
                select.select([tls], [], [], remaining(self.deadline_at, self.clock))
            except ssl.SSLWantWriteError:
                select.select([], [tls], [], remaining(self.deadline_at, self.clock))
            except BaseException:
                tls.close()
                raise
        tls.setblocking(True)
        return tls


def default_tls() -> ssl.SSLContext:
    return ssl.create_default_context(cafile=certifi.where())


class DeadlineSocket:
    """A socket whose every read and write may only take what is left of the deadline. Like a
    real socket, it stays open while the response reads from it (http.client closes the
    connection before the body of a `Connection: close` response is read)."""

    def __init__(self, sock: socket.socket, deadline: float, clock: Callable[[], float]) -> None:
        self.sock, self.deadline, self.clock = sock, deadline, clock
        self.readers = 0
        self.closed = False

    def sendall(self, data: bytes) -> None:
        self.sock.settimeout(remaining(self.deadline, self.clock))
        self.sock.sendall(data)

    def makefile(self, mode: str, *args: object, **kwargs: object) -> io.BufferedReader:
        self.readers += 1
        return io.BufferedReader(DeadlineReader(self))

    def close(self) -> None:
        self.closed = True
        if self.readers == 0:
            self.sock.close()

    def reader_closed(self) -> None:
        self.readers -= 1
        if self.closed and self.readers == 0:
            self.sock.close()


class DeadlineReader(io.RawIOBase):
    def __init__(self, owner: DeadlineSocket) -> None:
        self.owner = owner

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        owner = self.owner
        owner.sock.settimeout(remaining(owner.deadline, owner.clock))
        return owner.sock.recv_into(buffer)

    def close(self) -> None:
        if not self.closed:
            self.owner.reader_closed()
        super().close()


def read_body(response: http.client.HTTPResponse, max_bytes: int) -> bytes:
    """The body decoded (gzip, deflate), refused as soon as it passes `max_bytes`."""
    encoding = (response.headers.get("Content-Encoding") or "identity").strip().lower()
    if encoding in ("gzip", "x-gzip", "deflate"):
        decoder: Any = zlib.decompressobj(zlib.MAX_WBITS | 32)  # gzip or zlib header
    elif encoding == "identity":
        decoder = None
    else:
        raise FetchProblem(f"the server sent an encoding seo-monitor cannot read ({encoding})")
    chunks: list[bytes] = []
    size = raw_size = 0
    while chunk := response.read(CHUNK):
        raw_size += len(chunk)
        if decoder is not None:
            try:
                chunk = decoder.decompress(chunk, max_bytes - size + 1)
            except zlib.error:
                raise FetchProblem(f"the {encoding} body is corrupt") from None
        size += len(chunk)
        if size > max_bytes or raw_size > max_bytes:
            raise FetchProblem(f"the response is over {max_bytes / 1_000_000:g} MB")
        chunks.append(chunk)
    return b"".join(chunks)
