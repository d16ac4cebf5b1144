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

The application's current card follows it (card.md §6): ``CARD_STATUS_AFTER`` gives the status
its card takes when the application moves (``applications.set_status`` does it in the same
transaction), so a lost or exchanged card stops blocking a replacement.
"""

from __future__ import annotations

from types import MappingProxyType

from station.db.models import APPLICATION_STATUSES

__all__ = [
    "ACTIVE_CARD_STATUSES",
    "CARD_STATUS_AFTER",
    "CARD_STATUS_LABELS",
    "EDITABLE",
    "INACTIVE",
    "LABELS",
    "PHOTO_ALLOWED",
    "REPLACEABLE_CARD_STATUSES",
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
# The status an application's current card takes when the application reaches these statuses
# (card.md §6: issue -> pre-report loss / report loss -> replace or exchange). A card is
# ``encoded`` by the encoder itself (records.cards.record_encoded_card).
CARD_STATUS_AFTER: MappingProxyType[str, str] = MappingProxyType(
    {
        "issued": "issued",  # handed out and activated (also: a pre-reported card was found)
        "pre_reported_lost": "pre_reported_lost",
        "reported_lost": "reported_lost",
        "replaced": "replaced",  # out of use: a replacement card was made
        "exchanged": "exchanged",  # out of use: the damaged card was handed in
    }
)
# Cards out of use that a new card of the same person replaces (Card.replaces_card_id).
REPLACEABLE_CARD_STATUSES = frozenset({"reported_lost", "replaced", "exchanged"})

CARD_STATUS_LABELS = MappingProxyType(
    {
        "produced": "已制卡",
        "encoded": "已写卡",
        "issued": "已发放",
        "pre_reported_lost": "预挂失",
        "reported_lost": "已挂失",
        "replaced": "已补卡",
        "exchanged": "已换卡",
        "invalidated": "已作废",
    }
)

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
