from cashsheet.api.routers import ApiRouter
from silos.members.api.views import ApiTokenViewSet

router = ApiRouter()
router.register("tokens", ApiTokenViewSet, basename="apitoken")

urlpatterns = router.urls
