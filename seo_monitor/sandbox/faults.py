"""Fault injection for the sandbox: which faults, how often, for which API.

Spec: comma-separated `kind=probability`, optionally `api:kind=probability`, e.g.
`5xx=0.1,429=0.05,malformed=0.02,timeout=0.01` or `mybusiness:quota0=1`. Kinds: 5xx (500 or
503), 429 (rate limit), malformed (truncated JSON), timeout (answer after the client gave up),
expired_token (401), quota0 (429 saying the quota is 0: access not granted). Google's token
service is `oauth2`: only rules that name it reach it (`oauth2:5xx=1`: renewing the access token
fails with a 503 `server_error`), so `5xx=0.1` keeps to the APIs.
"""

from __future__ import annotations

import random
import threading
from dataclasses import dataclass, field

KINDS = ("5xx", "429", "malformed", "timeout", "expired_token", "quota0")


class FaultSpecError(ValueError):
    pass


@dataclass
class FaultPlan:
    rules: dict[tuple[str, str], float] = field(default_factory=dict)  # (api or "*", kind) -> p
    seed: int = 0
    _rng: random.Random = field(init=False)
    _lock: threading.Lock = field(init=False, default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self._rng = random.Random(self.seed)

    @classmethod
    def parse(cls, spec: str | None, seed: int = 0) -> FaultPlan:
        rules: dict[tuple[str, str], float] = {}
        for item in filter(None, (part.strip() for part in (spec or "").split(","))):
            target, _, value = item.partition("=")
            api, _, kind = target.rpartition(":")
            if kind not in KINDS:
                raise FaultSpecError(
                    f"unknown fault {kind!r} in {item!r}; known: {', '.join(KINDS)}"
                )
            try:
                probability = float(value)
            except ValueError:
                raise FaultSpecError(f"{item!r}: expected kind=probability, e.g. 5xx=0.1") from None
            if not 0 <= probability <= 1:
                raise FaultSpecError(f"{item!r}: probability must be between 0 and 1")
            rules[(api or "*", kind)] = probability
        return cls(rules=rules, seed=seed)

    def pick(self, api: str, *, wildcard: bool = True) -> str | None:
        """The fault to inject into this call, if any (at most one per call); without
        `wildcard`, only rules naming `api` count."""
        with self._lock:
            for kind in KINDS:
                default = self.rules.get(("*", kind), 0.0) if wildcard else 0.0
                probability = self.rules.get((api, kind), default)
                if probability and self._rng.random() < probability:
                    return kind
        return None
