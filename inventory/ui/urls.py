from django.urls import path

from inventory.ui import lots, patterns, views

urlpatterns = [
    path("cutting-patterns/new/", patterns.pattern_new, name="ui-cutting-patterns-new"),
    path("cutting-patterns/<int:pk>/edit/", patterns.pattern_edit, name="ui-cutting-patterns-edit"),
    path("stock/lots/", lots.stock_by_lot, name="ui-stock-lots"),
    path("lots/<int:pk>/hold/", lots.lot_hold, name="ui-lots-hold"),
    path("lots/<int:pk>/release/", lots.lot_release, name="ui-lots-release"),
    *lots.lots.urls(),
    path("stock/", views.stock, name="ui-stock"),
    path("stock/post/", views.stock_post, name="ui-stock-post"),
    *views.stock_movements.urls(),
    *views.items.urls(),
    *views.facilities.urls(),
    *views.transfer_lanes.urls(),
    *views.cutting_patterns.urls(),
]
