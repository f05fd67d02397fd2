from django import forms

from cashsheet.api.exceptions import DomainError
from webhooks.events import EVENT_TYPES
from webhooks.models import API_VERSIONS
from webhooks.services import url_check


def event_choices() -> list[tuple[str, str]]:
    return [("*", "Every event type (*)")] + [(name, name) for name in sorted(EVENT_TYPES) if name != "ping"]


class EndpointForm(forms.Form):
    url = forms.CharField(
        label="URL",
        max_length=2000,
        help_text="HTTPS address that receives a POST per event.",
        widget=forms.URLInput(attrs={"placeholder": "https://example.com/hooks/cashsheet"}),
    )
    description = forms.CharField(max_length=500, required=False)
    events = forms.MultipleChoiceField(
        choices=(), widget=forms.CheckboxSelectMultiple, help_text="What to send; “every” includes future types."
    )
    active = forms.BooleanField(required=False, initial=True)
    api_version = forms.ChoiceField(choices=API_VERSIONS, initial="v2", label="API version")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["events"].choices = event_choices()

    def clean_url(self):
        # The service's own check (scheme, private addresses), so its verdict shows with the other errors.
        try:
            return url_check(self.cleaned_data["url"])
        except DomainError as exc:
            raise forms.ValidationError(exc.detail) from None
