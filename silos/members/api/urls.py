from cashsheet.api.routers import ApiRouter
from silos.members.api.users import GroupViewSet, PermissionViewSet, UserViewSet
from silos.members.api.views import ApiTokenViewSet, DeletedObjectViewSet

router = ApiRouter()
router.register("tokens", ApiTokenViewSet, basename="apitoken")
router.register("deleted-objects", DeletedObjectViewSet, basename="deletedobject")
router.register("users", UserViewSet, basename="user")
router.register("groups", GroupViewSet, basename="group")
router.register("permissions", PermissionViewSet, basename="permission")

urlpatterns = router.urls
