"""Referrers in the database: finding the one an export names, merging, renaming, touches.

An export names a referrer by NPI, by name, or both. A valid NPI decides; a name is matched by
its normalised form (names.name_key), then by a fuzzy match for typos. Every spelling seen is
kept (referrer_names), so a merge or a rename made by a person holds for later imports: the
merged referrer keeps its row with `merged_into`, and its names point at the one it joined.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from seo_monitor.errors import UserError
from seo_monitor.models import Referral, ReferralTouch, Referrer, ReferrerName
from seo_monitor.referrals.kinds import GENERIC, KINDS
from seo_monitor.referrals.names import closest, display_name, name_key, readability
from seo_monitor.referrals.status import TOUCH_KINDS


@dataclass
class ReferrerBook:
    """The referrers known to the database, for one import: lookups without a query a row."""

    session: Session
    now: datetime

    def __post_init__(self) -> None:
        names = self.session.execute(
            select(ReferrerName.name_key, ReferrerName.referrer_id, ReferrerName.typo)
        ).all()
        self.by_key: dict[str, int] = {key: referrer for key, referrer, _ in names}
        self.spelled: set[str] = {key for key, _, typo in names if not typo}
        rows = self.session.execute(select(Referrer.id, Referrer.npi, Referrer.merged_into))
        self.by_npi: dict[str, int] = {}
        self.merged: dict[int, int] = {}
        for referrer_id, npi, merged_into in rows:
            if npi:
                self.by_npi[npi] = referrer_id
            if merged_into:
                self.merged[referrer_id] = merged_into
        self.added = 0
        self.names_seen: dict[int, set[str]] = {}  # spellings already weighed this import

    def current(self, referrer_id: int) -> int:
        """The referrer a merged one joined (merges can chain)."""
        seen = set()
        while referrer_id in self.merged and referrer_id not in seen:
            seen.add(referrer_id)
            referrer_id = self.merged[referrer_id]
        return referrer_id

    def find_or_add(self, name: str | None, npi: str | None, kind: str | None) -> int:
        """The referrer an export's row names (see the module docstring), added when new."""
        key = name_key(name) if name else ""
        if not key and not npi:
            kind = kind if kind in GENERIC else "other"
            return self._by_name(f"source: {kind}", GENERIC[kind], None, kind, generic=True)
        if npi and npi in self.by_npi:
            found = self.current(self.by_npi[npi])
            if key and key not in self.by_key:
                self._remember(key, found)
            if name:
                self._better_name(found, display_name(name))
            return found
        if key:
            return self._by_name(key, display_name(name or ""), npi, kind)
        return self._add(f"NPI {npi}", npi, kind, key=None)

    def _by_name(
        self, key: str, shown: str, npi: str | None, kind: str | None, *, generic: bool = False
    ) -> int:
        known = self.by_key.get(key)
        if known is None:
            near = closest(key, self.spelled) if not key.startswith("source: ") else None
            if near is not None:
                known = self.by_key[near]
                self._remember(key, known, typo=True)
        if known is None:
            return self._add(shown, npi, kind, key, generic=generic)
        found = self.current(known)
        self._better_name(found, shown)
        if npi:  # a name seen before without an NPI, now with one
            referrer = self.session.get_one(Referrer, found)
            if referrer.npi is None:
                referrer.npi, self.by_npi[npi] = npi, found
            elif referrer.npi != npi:  # two people of one name: the NPI tells them apart
                return self._add(shown, npi, kind, key=None)
        return found

    def _add(
        self,
        shown: str,
        npi: str | None,
        kind: str | None,
        key: str | None,
        *,
        generic: bool = False,
    ) -> int:
        default = "physician" if npi else "other"
        referrer = Referrer(
            name=shown,
            npi=npi,
            kind=kind or default,
            generic=generic,
            created_at=self.now,
            updated_at=self.now,
        )
        self.session.add(referrer)
        self.session.flush()
        if npi:
            self.by_npi[npi] = referrer.id
        if key:
            self._remember(key, referrer.id)
        self.added += 1
        return referrer.id

    def _better_name(self, referrer_id: int, shown: str) -> None:
        """Show the referrer under the best-reading spelling seen, unless a person named it."""
        if shown in self.names_seen.setdefault(referrer_id, set()):
            return
        self.names_seen[referrer_id].add(shown)
        referrer = self.session.get_one(Referrer, referrer_id)
        if not referrer.name_set_by_hand and readability(shown) > readability(referrer.name):
            referrer.name, referrer.updated_at = shown, self.now

    def _remember(self, key: str, referrer_id: int, *, typo: bool = False) -> None:
        self.session.add(ReferrerName(name_key=key, referrer_id=referrer_id, typo=typo))
        self.by_key[key] = referrer_id
        if not typo:
            self.spelled.add(key)

    def set_kind(self, referrer_id: int, kind: str) -> None:
        """The file's kind, unless a person set this referrer's kind by hand."""
        referrer = self.session.get_one(Referrer, referrer_id)
        if not referrer.kind_set_by_hand and referrer.kind != kind:
            referrer.kind, referrer.updated_at = kind, self.now


def merge_referrers(session: Session, merged_id: int, into_id: int, now: datetime) -> None:
    """`merged_id` becomes part of `into_id`: its referrals, names and touches move over, and
    its row stays (merged_into) so that an NPI or a name of it in a later export finds `into`."""
    if merged_id == into_id:
        raise UserError("a referrer cannot be merged into itself")
    merged, into = _referrer(session, merged_id), _referrer(session, into_id)
    if into.merged_into is not None:
        raise UserError(f"{into.name} was itself merged into another referrer; merge into that one")
    session.execute(
        update(Referral).where(Referral.referrer_id == merged.id).values(referrer_id=into.id)
    )
    session.execute(
        update(ReferrerName)
        .where(ReferrerName.referrer_id == merged.id)
        .values(referrer_id=into.id)
    )
    session.execute(
        update(ReferralTouch)
        .where(ReferralTouch.referrer_id == merged.id)
        .values(referrer_id=into.id)
    )
    session.execute(  # referrers merged into this one before follow it
        update(Referrer).where(Referrer.merged_into == merged.id).values(merged_into=into.id)
    )
    if into.npi is None and merged.npi is not None:  # the NPI identifies `into` from now on
        npi, merged.npi = merged.npi, None
        session.flush()  # one NPI, one referrer: free it before `into` takes it
        into.npi = npi
    merged.merged_into, merged.updated_at, into.updated_at = into.id, now, now


def rename_referrer(session: Session, referrer_id: int, name: str, now: datetime) -> None:
    """Show the referrer under `name`; the name's spellings find it on later imports too."""
    shown = display_name(name)
    if not shown:
        raise UserError("give the referrer a name")
    referrer = _referrer(session, referrer_id)
    referrer.name, referrer.name_set_by_hand, referrer.updated_at = shown, True, now
    key = name_key(shown)
    existing = session.get(ReferrerName, key)
    if existing is None:
        session.add(ReferrerName(name_key=key, referrer_id=referrer.id))
    elif existing.referrer_id != referrer.id:
        other = session.get_one(Referrer, existing.referrer_id).name
        raise UserError(f"{shown!r} is the name of another referrer ({other}): merge them instead")


def set_referrer_kind(session: Session, referrer_id: int, kind: str, now: datetime) -> None:
    if kind not in KINDS:
        raise UserError(f"unknown kind {kind!r}; one of: {', '.join(KINDS)}")
    referrer = _referrer(session, referrer_id)
    referrer.kind, referrer.kind_set_by_hand, referrer.updated_at = kind, True, now


def log_touch(
    session: Session,
    referrer_id: int,
    kind: str,
    day: date,
    note: str | None,
    actor: str | None,
    now: datetime,
) -> int:
    if kind not in TOUCH_KINDS:
        raise UserError(f"unknown touch {kind!r}; one of: {', '.join(TOUCH_KINDS)}")
    if day > now.date():
        raise UserError(f"{day.isoformat()} is in the future: log a touch once it happened")
    touch = ReferralTouch(
        referrer_id=_referrer(session, referrer_id).id,
        kind=kind,
        day=day,
        note=(note or "").strip()[:2000] or None,
        actor=actor,
        created_at=now,
    )
    session.add(touch)
    session.flush()
    return touch.id


def _referrer(session: Session, referrer_id: int) -> Referrer:
    referrer = session.get(Referrer, referrer_id)
    if referrer is None:
        raise UserError(
            f"no referrer with id {referrer_id} (`seo-monitor referrals report` lists them)"
        )
    return referrer
