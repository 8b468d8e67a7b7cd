"""Referral sources: who sends the practice patients, who slowed down or stopped, and what the
practice owes them (a thank-you, a check-in, a progress update). Pure rules in `npi`, `names`,
`kinds` and `status`; the database steps in `store`; patients only ever as keyed hashes
(seo_monitor.patient_keys)."""

from seo_monitor.referrals.kinds import GENERIC, KINDS, kind_of
from seo_monitor.referrals.names import name_key
from seo_monitor.referrals.npi import valid_npi
from seo_monitor.referrals.status import (
    CARE_STARTED_DAYS,
    CHECK_INS,
    STATUSES,
    TOUCH_KINDS,
    Activity,
    Due,
    StatusRules,
    Touches,
    due_touches,
    referrer_status,
)
from seo_monitor.referrals.store import (
    ReferrerBook,
    log_touch,
    merge_referrers,
    rename_referrer,
    set_referrer_kind,
)

__all__ = [
    "CARE_STARTED_DAYS",
    "CHECK_INS",
    "GENERIC",
    "KINDS",
    "STATUSES",
    "TOUCH_KINDS",
    "Activity",
    "Due",
    "ReferrerBook",
    "StatusRules",
    "Touches",
    "due_touches",
    "kind_of",
    "log_touch",
    "merge_referrers",
    "name_key",
    "referrer_status",
    "rename_referrer",
    "set_referrer_kind",
    "valid_npi",
]
