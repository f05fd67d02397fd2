from cashsheet.api.routers import ApiRouter
from parties.api.views import CustomerViewSet, VendorViewSet

router = ApiRouter()
router.register("customers", CustomerViewSet, basename="customer")
router.register("vendors", VendorViewSet, basename="vendor")

urlpatterns = router.urls
