"""Operations' API: valued stock postings, production and transfer orders."""

from inventory.api.views import StockMovementViewSet as InventoryStockMovementViewSet
from inventory.services import LOT_DETAILS
from operations.services.perpetual import stock_post_valued


class StockMovementViewSet(InventoryStockMovementViewSet):
    """/stock-movements/ as inventory serves it, except that a POST books its journal entry in the same
    transaction (perpetual inventory): receipts against GRNI, adjustments against inventory adjustments,
    transfers through inventory in transit."""

    def create_service(self, data):
        details = {name: data.pop(name) for name in LOT_DETAILS if name in data}
        return stock_post_valued(lot_details=details, actor=self.request.user, **data)
