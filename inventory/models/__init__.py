"""Inventory models, one module per concern, re-exported here: `from inventory.models import Lot` works."""

from inventory.models.core import (
    INBOUND_KINDS,
    OUTBOUND_KINDS,
    Category,
    CuttingPattern,
    CuttingPatternOutput,
    Facility,
    Item,
    MovementKind,
    Reservation,
    Species,
    StockBalance,
    StockDay,
    StockMovement,
    TransferLane,
)
from inventory.models.lots import InventorySequence, Lot, LotBalance, LotDay, LotEdge, LotHold, LotOrigin, LotState

__all__ = [
    "INBOUND_KINDS",
    "OUTBOUND_KINDS",
    "Category",
    "CuttingPattern",
    "CuttingPatternOutput",
    "Facility",
    "InventorySequence",
    "Item",
    "Lot",
    "LotBalance",
    "LotDay",
    "LotEdge",
    "LotHold",
    "LotOrigin",
    "LotState",
    "MovementKind",
    "Reservation",
    "Species",
    "StockBalance",
    "StockDay",
    "StockMovement",
    "TransferLane",
]
