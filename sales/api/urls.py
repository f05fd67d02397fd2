from cashsheet.api.routers import ApiRouter
from sales.api.views import CustomerViewSet

router = ApiRouter()
router.register("customers", CustomerViewSet, basename="customer")

urlpatterns = router.urls
