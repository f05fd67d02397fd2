from django.urls import path

from silos.members.ui import views

urlpatterns = [
    path("profile/tokens/", views.tokens, name="ui-tokens"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="ui-token-revoke"),
]
