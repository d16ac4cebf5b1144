"""The status machine of enrollment.md §5.

    collected -> photo_accepted -> submitted -> card_produced -> card_encoded -> issued
                                    |    ^
                                    v    |
                                 rejected -> recollected
    issued -> pre_reported_lost -> reported_lost -> replaced
       |             |
       |             +-> issued (the card was found)
       +-> exchanged (damaged card)

An application is *active* (it blocks a new application for the same document number) until it
reaches ``reported_lost``, ``replaced`` or ``exchanged``: then a replacement may be collected.
"""

from __future__ import annotations

from types import MappingProxyType

from station.db.models import APPLICATION_STATUSES

__all__ = [
    "ACTIVE_CARD_STATUSES",
    "EDITABLE",
    "INACTIVE",
    "LABELS",
    "PHOTO_ALLOWED",
    "STATUSES",
    "TRANSITIONS",
    "allowed",
    "is_active",
]

STATUSES = APPLICATION_STATUSES

TRANSITIONS: MappingProxyType[str, frozenset[str]] = MappingProxyType(
    {
        "collected": frozenset({"photo_accepted"}),
        "photo_accepted": frozenset({"submitted"}),
        "submitted": frozenset({"rejected", "card_produced"}),
        "rejected": frozenset({"recollected"}),
        "recollected": frozenset({"submitted"}),
        "card_produced": frozenset({"card_encoded"}),
        "card_encoded": frozenset({"issued"}),
        "issued": frozenset({"pre_reported_lost", "exchanged"}),
        "pre_reported_lost": frozenset({"reported_lost", "issued"}),
        "reported_lost": frozenset({"replaced"}),
        "replaced": frozenset(),
        "exchanged": frozenset(),
    }
)

INACTIVE = frozenset({"reported_lost", "replaced", "exchanged"})
# The person's data may be edited and photos retaken only before the batch leaves, or after the
# card centre returned it.
EDITABLE = frozenset({"collected", "photo_accepted", "rejected", "recollected"})
PHOTO_ALLOWED = EDITABLE
# Cards in these states block a new application for the same document number.
ACTIVE_CARD_STATUSES = frozenset({"produced", "encoded", "issued", "pre_reported_lost"})

LABELS = MappingProxyType(
    {
        "collected": "已采集",
        "photo_accepted": "照片合格",
        "submitted": "已报送",
        "rejected": "异常退回",
        "recollected": "已重新采集",
        "card_produced": "已制卡",
        "card_encoded": "已写卡",
        "issued": "已发放",
        "pre_reported_lost": "预挂失",
        "reported_lost": "已挂失",
        "replaced": "已补卡",
        "exchanged": "已换卡",
    }
)


def allowed(current: str, new: str) -> bool:
    return new in TRANSITIONS.get(current, frozenset())


def is_active(status: str) -> bool:
    return status not in INACTIVE
