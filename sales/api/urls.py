from cashsheet.api.routers import ApiRouter
from sales.api.views import SalesOrderViewSet

router = ApiRouter()
router.register("sales-orders", SalesOrderViewSet, basename="salesorder")

urlpatterns = router.urls
