from django.urls import path

from atp.api.views import AtpCheckRecordViewSet, AtpCheckView, LpRunViewSet
from cashsheet.api.routers import ApiRouter

router = ApiRouter()
router.register("atp/checks", AtpCheckRecordViewSet, basename="atp-check")
router.register("lp-runs", LpRunViewSet, basename="lp-run")

urlpatterns = [path("atp/check/", AtpCheckView.as_view(), name="atp-check-run"), *router.urls]
