from cashsheet.api.routers import ApiRouter
from inventory.api import lots, views

router = ApiRouter()
router.register("facilities", views.FacilityViewSet, basename="facility")
router.register("transfer-lanes", views.TransferLaneViewSet, basename="transferlane")
router.register("items", views.ItemViewSet, basename="item")
router.register("cutting-patterns", views.CuttingPatternViewSet, basename="cuttingpattern")
router.register("lots", lots.LotViewSet, basename="lot")
# stock-movements is served by operations (operations.api.urls): a POST there posts its journal entry too.
router.register("stock-balances", views.StockBalanceViewSet, basename="stockbalance")

urlpatterns = router.urls
