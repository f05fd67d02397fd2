from django.urls import path

from sales.ui import views

urlpatterns = [
    path("sales-orders/new/", views.order_new, name="ui-sales-orders-new"),
    path("sales-orders/<int:pk>/", views.order_detail, name="ui-sales-orders-detail"),
    path("sales-orders/<int:pk>/<str:action>/", views.order_action, name="ui-sales-orders-action"),
    *[p for p in views.orders.urls() if p.name == "ui-sales-orders"],
]
