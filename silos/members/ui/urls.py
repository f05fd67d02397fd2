from django.contrib.auth import views as auth_views
from django.urls import path
from django.views.generic import RedirectView

from silos.members.ui import views

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="ui-tokens"), name="ui-home"),
    path("login/", auth_views.LoginView.as_view(template_name="members/login.html"), name="login"),
    path("logout/", auth_views.LogoutView.as_view(next_page="login"), name="logout"),
    path("profile/tokens/", views.tokens, name="ui-tokens"),
    path("profile/tokens/new/", views.token_create, name="ui-token-create"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="ui-token-revoke"),
]
