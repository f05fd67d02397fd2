from cashsheet.api.routers import ApiRouter
from silos.members.api.views import ApiTokenViewSet, DeletedObjectViewSet

router = ApiRouter()
router.register("tokens", ApiTokenViewSet, basename="apitoken")
router.register("deleted-objects", DeletedObjectViewSet, basename="deletedobject")

urlpatterns = router.urls
