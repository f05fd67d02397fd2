"""Writes for inventory. Views, the silo UI, other apps and the demo seeder call these."""

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
from inventory.services.stock import InsufficientStock, stock_movement_post, stock_transfer_post

__all__ = [
    "InsufficientStock",
    "cutting_pattern_create",
    "cutting_pattern_update",
    "facility_create",
    "facility_update",
    "item_create",
    "item_update",
    "stock_movement_post",
    "stock_transfer_post",
    "transfer_lane_create",
    "transfer_lane_update",
]
