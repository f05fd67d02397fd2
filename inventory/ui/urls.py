from django.urls import path

from inventory.ui import views

urlpatterns = [
    path("stock/", views.stock, name="ui-stock"),
    path("stock/post/", views.stock_post, name="ui-stock-post"),
    *views.stock_movements.urls(),
    *views.items.urls(),
    *views.facilities.urls(),
    *views.transfer_lanes.urls(),
    *views.cutting_patterns.urls(),
]
