"""The ATP quote (atp_check, the service POST /api/v2/atp/check/ calls; the same `atp.run_atpcheck`)."""

from __future__ import annotations

import logging

from django.shortcuts import render
from django.views.decorators.cache import never_cache

from atp import services
from atp.ui.forms import QuoteForm
from cashsheet.api.exceptions import DomainError
from cashsheet.ui.shortcuts import render_page, ui_view
from inventory import selectors as inventory_selectors

logger = logging.getLogger(__name__)


def quote_answer(form: QuoteForm) -> tuple[services.AtpResult | None, str | None]:
    """The ATP answer for a valid form, or the service's refusal as a message."""
    data = form.cleaned_data
    try:
        result = services.atp_check(
            facility=data["facility"], item=data["item"], quantity_lb=data["quantity_lb"],
            delivery_date=data["delivery_date"],
        )  # fmt: skip
    except DomainError as exc:
        return None, exc.detail
    return result, None


@never_cache
@ui_view("atp.run_atpcheck")
def quote(request):
    """The sales rep's phone page: item, pounds, facility, date → the answer, on one screen."""
    form = QuoteForm(request.POST or None)
    result = error = None
    if request.method == "POST" and form.is_valid():
        result, error = quote_answer(form)
        if result is not None:
            try:
                services.atp_check_record(result=result, facility=form.cleaned_data["facility"],
                                          item=form.cleaned_data["item"], user=request.user)  # fmt: skip
            except Exception:  # noqa: BLE001 - the rep has the answer; the record is history
                logger.exception("could not record ATP check %s", result.check_id)
    context = {
        "form": form,
        "result": result,
        "error": error,
        "items": inventory_selectors.item_list().filter(active=True),
    }
    return render_page(request, "atp/quote.html", context, partial="atp/_quote_panel.html")


@never_cache
@ui_view("atp.run_atpcheck", methods=("POST",))
def line_quote(request):
    """htmx: the live quote beside an order line while it is typed. Reads `<prefix>-item` and
    `<prefix>-quantity_lb` of the line, `facility` and `delivery_date` of the order."""
    prefix = request.GET.get("prefix", "")[:20]
    data = {
        "item": request.POST.get(f"{prefix}-item", ""),
        "quantity_lb": request.POST.get(f"{prefix}-quantity_lb", ""),
        "facility": request.POST.get("facility", ""),
        "delivery_date": request.POST.get("delivery_date", ""),
    }
    result = error = None
    if data["item"].strip() and data["quantity_lb"].strip():
        form = QuoteForm(data)
        if form.is_valid():
            result, error = quote_answer(form)
        else:
            error = " ".join(f"{e}" for errors in form.errors.values() for e in errors)
    return render(request, "atp/_line_quote.html", {"result": result, "error": error})
