"""Writes for inventory. Views, the silo UI, other apps and the demo seeder call these."""

from inventory.errors import InsufficientStock, LotExpired, LotOnHold, ShelfLifeTooShort
from inventory.services.lots import (
    lot_code_next,
    lot_create,
    lot_hold,
    lot_release,
    lot_update,
    lots_pick_fefo,
    shelf_life_use_by,
)
from inventory.services.master import (
    cutting_pattern_create,
    cutting_pattern_update,
    facility_create,
    facility_update,
    item_create,
    item_update,
    transfer_lane_create,
    transfer_lane_update,
)
from inventory.services.postings import LOT_DETAILS, stock_post
from inventory.services.stock import stock_issue, stock_movement_post, stock_transfer_post
from inventory.services.transform import TransformOutput, TransformResult, lot_transform

__all__ = [
    "LOT_DETAILS",
    "InsufficientStock",
    "LotExpired",
    "LotOnHold",
    "ShelfLifeTooShort",
    "TransformOutput",
    "TransformResult",
    "cutting_pattern_create",
    "cutting_pattern_update",
    "facility_create",
    "facility_update",
    "item_create",
    "item_update",
    "lot_code_next",
    "lot_create",
    "lot_hold",
    "lot_release",
    "lot_transform",
    "lot_update",
    "lots_pick_fefo",
    "shelf_life_use_by",
    "stock_issue",
    "stock_post",
    "stock_movement_post",
    "stock_transfer_post",
    "transfer_lane_create",
    "transfer_lane_update",
]
