"""Inventory models, one module per concern, re-exported here: `from inventory.models import Lot` works."""

from inventory.models.core import *  # noqa: F403
from inventory.models.lots import (  # noqa: F401
    InventorySequence,
    Lot,
    LotBalance,
    LotDay,
    LotEdge,
    LotHold,
    LotOrigin,
    LotState,
)
from inventory.models.work import (  # noqa: F401
    PRODUCTION_TRANSITIONS,
    TRANSFER_TRANSITIONS,
    ProductionOrder,
    ProductionOrderInput,
    ProductionOrderOutput,
    ProductionStatus,
    TransferOrder,
    TransferOrderLot,
    TransferStatus,
    WorkDemand,
)
