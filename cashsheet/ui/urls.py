from django.urls import path

from cashsheet.ui import views

urlpatterns = [
    path("", views.dashboard, name="ui-dashboard"),
    path("login/", views.SignInView.as_view(), name="login"),
    path("logout/", views.SignOutView.as_view(), name="logout"),
    path("profile/password/", views.PasswordChangeView.as_view(), name="ui-password-change"),
    path("password/set/<uidb64>/<token>/", views.PasswordSetView.as_view(), name="ui-password-set"),
]
