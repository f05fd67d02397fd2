from django.urls import path

from cashsheet.api.routers import ApiRouter
from operations.api import views

router = ApiRouter()
router.register("stock-movements", views.StockMovementViewSet, basename="stockmovement")
router.register("production-orders", views.ProductionOrderViewSet, basename="productionorder")
router.register("transfer-orders", views.TransferOrderViewSet, basename="transferorder")

urlpatterns = [
    path("lp-runs/<int:pk>/apply/", views.LpRunApplyViewSet.as_view({"post": "apply"}), name="lp-run-apply"),
    *router.urls,
]
