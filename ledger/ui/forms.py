from django import forms

from cashsheet.ui.crud import DATE, ServiceModelForm
from ledger.models import Period


class PeriodForm(ServiceModelForm):
    class Meta:
        model = Period
        fields = ["name", "start_date", "end_date"]
        widgets = {"start_date": DATE, "end_date": DATE}


class ReverseForm(forms.Form):
    entry_date = forms.DateField(widget=DATE, required=False, help_text="Blank: the entry's date or today.")
    memo = forms.CharField(max_length=500, required=False)
