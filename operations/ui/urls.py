from django.urls import path

from operations.ui import views

urlpatterns = [
    path("production-orders/new/", views.production_order_new, name="ui-production-orders-new"),
    path("production-orders/<int:pk>/<str:action>/", views.production_order_action, name="ui-production-orders-action"),
    path("transfer-orders/new/", views.transfer_order_new, name="ui-transfer-orders-new"),
    path("transfer-orders/<int:pk>/<str:action>/", views.transfer_order_action, name="ui-transfer-orders-action"),
    path("lp-runs/<int:pk>/apply/", views.lp_run_apply, name="ui-lp-runs-apply"),
    *views.production_orders.urls(),
    *views.transfer_orders.urls(),
]
