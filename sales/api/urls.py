from cashsheet.api.routers import ApiRouter
from sales.api.views import CustomerViewSet, SalesOrderViewSet

router = ApiRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("sales-orders", SalesOrderViewSet, basename="salesorder")

urlpatterns = router.urls
