from django.urls import path

from silos.members.ui import accounts, views

urlpatterns = [
    path("profile/tokens/", views.tokens, name="ui-tokens"),
    path("profile/tokens/<int:pk>/revoke/", views.token_revoke, name="ui-token-revoke"),
    path("settings/users/", accounts.users, name="ui-users"),
    path("settings/users/new/", accounts.user_new, name="ui-user-new"),
    path("settings/users/<int:pk>/", accounts.user_detail, name="ui-user"),
    path("settings/users/<int:pk>/active/", accounts.user_active, name="ui-user-active"),
    path("settings/users/<int:pk>/password-link/", accounts.user_password_link, name="ui-user-password-link"),
    path("settings/groups/", accounts.groups, name="ui-groups"),
    path("settings/groups/new/", accounts.group_new, name="ui-group-new"),
    path("settings/groups/<int:pk>/", accounts.group_detail, name="ui-group"),
]
