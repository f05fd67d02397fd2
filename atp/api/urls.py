from django.urls import path

from atp.api.views import AtpCheckRecordViewSet, AtpCheckView, LpRunModelView, LpRunViewSet, PlannedStepViewSet
from cashsheet.api.routers import ApiRouter

router = ApiRouter()
router.register("atp/checks", AtpCheckRecordViewSet, basename="atp-check")
router.register("atp/plan-steps", PlannedStepViewSet, basename="atp-plan-step")
router.register("lp-runs", LpRunViewSet, basename="lp-run")

urlpatterns = [
    path("atp/check/", AtpCheckView.as_view(), name="atp-check-run"),
    path("lp-runs/<int:pk>/model.mps", LpRunModelView.as_view(fmt="mps"), name="lp-run-model-mps"),
    path("lp-runs/<int:pk>/model.lp", LpRunModelView.as_view(fmt="lp"), name="lp-run-model-lp"),
    *router.urls,
]
