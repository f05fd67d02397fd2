from django.urls import path

from webhooks.ui import views

urlpatterns = [
    path("settings/webhooks/", views.endpoints, name="ui-webhooks"),
    path("settings/webhooks/new/", views.endpoint_new, name="ui-webhook-new"),
    path("settings/webhooks/<int:pk>/", views.endpoint_detail, name="ui-webhook"),
    path("settings/webhooks/<int:pk>/rotate-secret/", views.endpoint_rotate, name="ui-webhook-rotate"),
    path("settings/webhooks/<int:pk>/test/", views.endpoint_test, name="ui-webhook-test"),
    path("settings/webhooks/<int:pk>/delete/", views.endpoint_delete, name="ui-webhook-delete"),
    path(
        "settings/webhooks/<int:pk>/attempts/<int:attempt_pk>/redeliver/",
        views.attempt_redeliver,
        name="ui-webhook-redeliver",
    ),
]
