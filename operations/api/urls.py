from cashsheet.api.routers import ApiRouter
from operations.api import views

router = ApiRouter()
router.register("stock-movements", views.StockMovementViewSet, basename="stockmovement")

urlpatterns = router.urls
