"""Inventory models, one module per concern, re-exported here: `from inventory.models import Lot` works."""

from inventory.models.core import *  # noqa: F403
from inventory.models.core import INBOUND_KINDS, OUTBOUND_KINDS  # noqa: F401
