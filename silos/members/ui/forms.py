from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils import timezone

from silos.members.selectors import permission_list
from silos.members.services import NAME_MAX

EXPIRY_CHOICES = [
    ("30", "30 days"),
    ("90", "90 days"),
    ("365", "365 days"),
    ("date", "On a date"),
    ("never", "No expiry"),
]


class TokenForm(forms.Form):
    name = forms.CharField(
        max_length=NAME_MAX,
        help_text="What the token is for, e.g. crm-sync.",
        widget=forms.TextInput(attrs={"placeholder": "crm-sync", "autocomplete": "off"}),
    )
    expiry = forms.ChoiceField(choices=EXPIRY_CHOICES, initial="90", label="Expires")
    expires_on = forms.DateField(
        required=False,
        label="Expiry date",
        help_text="With “On a date”: the token stops working at the start of that day (UTC).",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    password = forms.CharField(
        required=False,
        label="Your password",
        strip=False,
        help_text="A token outlives your session: confirm it is you (asked again after 5 minutes).",
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )

    def __init__(self, *args, needs_password: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.needs_password = needs_password
        if not needs_password:
            del self.fields["password"]

    def clean(self):
        data = super().clean()
        if self.needs_password and not data.get("password"):
            self.add_error("password", "Type your password to create a token.")
        choice = data.get("expiry")
        if choice == "date":
            day = data.get("expires_on")
            if day is None:
                self.add_error("expires_on", "Choose the date the token expires.")
            elif day <= timezone.now().date():
                self.add_error("expires_on", "Choose a date after today.")
            else:
                data["expires_at"] = datetime.combine(day, time.min, tzinfo=UTC)
        elif choice == "never":
            data["expires_at"] = None
        elif choice:
            data["expires_at"] = timezone.now() + timedelta(days=int(choice))
        return data


class TokenFilterForm(forms.Form):
    user = forms.CharField(required=False, label="User", widget=forms.TextInput(attrs={"placeholder": "username"}))


class GroupChoices(forms.ModelMultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def label_from_instance(self, group):
        return group.name


class UserForm(forms.Form):
    """Create (with username) or edit (without) a user; `is_superuser` only for a silo admin's eyes."""

    username = forms.CharField(
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text="Letters, digits and @/./+/-/_ only, e.g. crm-sync.",
    )
    email = forms.EmailField(required=False)
    first_name = forms.CharField(max_length=150, required=False)
    last_name = forms.CharField(max_length=150, required=False)
    groups = GroupChoices(queryset=Group.objects.order_by("name"), required=False)
    is_superuser = forms.BooleanField(
        required=False, label="Silo admin", help_text="Every permission, including managing users and groups."
    )

    def __init__(self, *args, actor, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["username"]
        if not actor.is_superuser:
            del self.fields["is_superuser"]


class GroupForm(forms.Form):
    name = forms.CharField(max_length=150)
    permissions = forms.ModelMultipleChoiceField(queryset=Permission.objects.none(), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["permissions"].queryset = permission_list()
