"""Routes the whole API shares (the domain apps' routes are in <app>/api/urls.py)."""

from cashsheet.api.reports import ReportViewSet
from cashsheet.api.routers import ApiRouter

router = ApiRouter()
router.register("reports", ReportViewSet, basename="report")

urlpatterns = router.urls
