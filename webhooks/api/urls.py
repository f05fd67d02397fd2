from django.urls import path

from cashsheet.api.routers import ApiRouter
from webhooks.api.views import DeliveryAttemptViewSet, EventTypeViewSet, EventViewSet, WebhookEndpointViewSet

router = ApiRouter()
router.register("webhook-endpoints", WebhookEndpointViewSet, basename="webhook-endpoint")
router.register("events", EventViewSet, basename="event")
router.register("event-types", EventTypeViewSet, basename="event-type")

deliveries = "webhook-endpoints/<int:endpoint_pk>/deliveries/"
urlpatterns = [
    path(deliveries, DeliveryAttemptViewSet.as_view({"get": "list"}), name="webhook-delivery-list"),
    path(f"{deliveries}<int:pk>/", DeliveryAttemptViewSet.as_view({"get": "retrieve"}), name="webhook-delivery-detail"),
    path(
        f"{deliveries}<int:pk>/redeliver/",
        DeliveryAttemptViewSet.as_view({"post": "redeliver"}),
        name="webhook-delivery-redeliver",
    ),
    *router.urls,
]
