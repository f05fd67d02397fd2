from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

from django import forms
from django.utils import timezone

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

    def clean(self):
        data = super().clean()
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
