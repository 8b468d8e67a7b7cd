"""Secrets hidden in every URL the product prints: the password of `user:password@host` and the
value of any query parameter whose name says it holds a secret (`?password=…`, `&api_key=…`).

`status`, `config check`, configuration errors and anything else that shows a URL pass it
through `mask_url`; nothing else in the URL changes.
"""

from __future__ import annotations

import re
from urllib.parse import unquote_plus, urlsplit

MASK = "***"
# password=, pass=, pwd=, token=, key=, secret=, api_key=, access_token=, and their kin
# (sslpassword, client_secret, x-api-key, refresh_token, signature…).
SECRET_PARAMETER = re.compile(
    r"(?:^|[_\-.])(?:pass|passwd|password|pwd|token|key|apikey|secret|signature|sig|auth|"
    r"credentials?)$|password|secret|token",
    re.IGNORECASE,
)


def mask_url(url: str) -> str:
    """`url` with every secret in it replaced by ***; a URL that cannot be read is hidden."""
    try:
        parts = urlsplit(url)
        netloc = _masked_netloc(parts.netloc)
    except ValueError:  # e.g. an unclosed [IPv6 bracket
        return f"{url.partition(':')[0]}:{MASK}" if ":" in url else MASK
    # Rebuilt by hand: urlunsplit would turn sqlite:////abs/path into sqlite://abs/path.
    head = f"{parts.scheme}:" if parts.scheme else ""
    authority = f"//{netloc}" if url[len(head) :].startswith("//") else ""
    query = f"?{_masked_query(parts.query)}" if parts.query else ""
    fragment = f"#{_masked_query(parts.fragment)}" if parts.fragment else ""
    return f"{head}{authority}{parts.path}{query}{fragment}"


def _masked_netloc(netloc: str) -> str:
    userinfo, at, host = netloc.rpartition("@")
    if not at:
        return netloc
    user, colon, _password = userinfo.partition(":")
    return f"{user}:{MASK}@{host}" if colon else netloc


def _masked_query(query: str) -> str:
    pairs = []
    for pair in query.split("&") if query else []:
        name, equals, _value = pair.partition("=")
        secret = equals and SECRET_PARAMETER.search(unquote_plus(name))
        pairs.append(f"{name}={MASK}" if secret else pair)
    return "&".join(pairs)
