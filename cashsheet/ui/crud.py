"""List, detail, create, edit and deactivate screens for a resource, from one declaration.

An app's `ui/` declares a `Resource` naming its selector (the API's), its FilterSet (the API's filters.py),
the columns, a form and the create/update services; `resource.urls()` gives the five routes:

    /customers/                 list: search, filters, ordering, paging (a fixed number of queries)
    /customers/<pk>/            detail
    /customers/new/             create form (add_ permission)
    /customers/<pk>/edit/       edit form (change_ permission)
    /customers/<pk>/active/     POST: deactivate or reactivate (change_ permission)

Permissions are the model's, as the API's ModelPermissions checks them: view to read, add to create,
change to edit. A button the user may not press is not shown; the POST answers 403 all the same.
Like the rest of cashsheet/ui/, this imports no domain app.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from functools import reduce
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.db.models import Model, Q, QuerySet
from django.shortcuts import get_object_or_404, redirect
from django.urls import path, reverse

from cashsheet.api.exceptions import DomainError
from cashsheet.ui.shortcuts import render_page, require_perm, ui_view

PAGE_SIZE = 50
# A date field's widget: the browser's date picker, in the ISO format it sends back.
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


@dataclass(frozen=True)
class Column:
    label: str
    value: str | Callable[[Any], Any]  # an attribute path ("from_facility.code") or a function of the row
    order: str | None = None  # the ordering field this column sorts by
    link: bool = False  # the cell links to the row's detail page
    num: bool = False  # right-aligned figure


def resolve(obj: Any, value: str | Callable[[Any], Any]) -> Any:
    if callable(value):
        return value(obj)
    for part in value.split("."):
        obj = getattr(obj, part, None)
        if obj is None:
            return None
        if callable(obj) and not isinstance(obj, Model):
            obj = obj()
    return obj


def display(value: Any) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return "yes"
    if value is False:
        return "no"
    if isinstance(value, Decimal):
        return f"{value:,}"
    return str(value)


def search_filter(queryset: QuerySet, fields: Sequence[str], text: str) -> QuerySet:
    """DRF's SearchFilter: every word must match one of the fields (icontains)."""
    for word in text.split()[:10]:
        queryset = queryset.filter(reduce(operator.or_, (Q(**{f"{name}__icontains": word}) for name in fields)))
    return queryset


def service_run(form: forms.BaseForm, call: Callable[[], Any]) -> Any | None:
    """Run a service in one transaction; a DomainError or a model ValidationError becomes the form's error
    beside the field it names (or above the form). Returns the result, or None when it refused."""
    try:
        with transaction.atomic():
            return call()
    except DomainError as exc:
        form.add_error(exc.field if exc.field in form.fields else None, exc.detail)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for name, errors in exc.error_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            form.add_error(None, exc)
    return None


class ServiceModelForm(forms.ModelForm):
    """A ModelForm for its fields and their validation only: the app's service writes, and checks
    uniqueness itself (409 naming the field), so the form does not query for it or the constraints first."""

    def validate_unique(self) -> None:
        return None

    def _post_clean(self) -> None:
        # Django's ModelForm runs the model's full_clean() with its constraints (a query each); the service
        # checks them and names the field, and the database still guards the race.
        self.instance.validate_constraints = lambda *args, **kwargs: None
        try:
            super()._post_clean()
        finally:
            del self.instance.validate_constraints


@dataclass
class ListState:
    """What a list screen was asked for (search, filters, ordering, page), and the page it gets."""

    rows: list
    page: Any
    search: str
    ordering: str
    filters: Any
    query: str  # the query string without `page`, for the pager's links
    order_query: str  # the query string without `ordering` and `page`, for the column headers' links


def list_state(
    request,
    queryset: QuerySet,
    *,
    filterset_class=None,
    search_fields: Sequence[str] = (),
    ordering_fields: Sequence[str] = (),
    ordering: Sequence[str] = ("-created_at", "-id"),
    page_size: int = PAGE_SIZE,
) -> ListState:
    """Filter, search, order and page `queryset` as the API does: two queries (count, page) whatever the size."""
    filters = None
    if filterset_class is not None:
        filters = filterset_class(request.GET, queryset=queryset, request=request)
        queryset = filters.qs if filters.is_valid() else queryset.none()
    search = request.GET.get("search", "").strip()[:200]
    if search and search_fields:
        queryset = search_filter(queryset, search_fields, search)
    asked = request.GET.get("ordering", "")
    order = list(ordering)
    if asked.lstrip("-") in ordering_fields:
        order = [asked]
    queryset = queryset.order_by(*order, "-pk")
    page = Paginator(queryset, page_size).get_page(request.GET.get("page"))
    params = request.GET.copy()
    params.pop("page", None)
    query = params.urlencode()
    params.pop("ordering", None)
    return ListState(list(page), page, search, asked, filters, query, params.urlencode())


@dataclass
class Resource:
    key: str  # URL segment and URL-name stem: "customers" -> /customers/, ui-customers, ui-customers-detail
    singular: str  # "customer"
    title: str  # "Customers"
    model: type[Model]
    selector: Callable[[], QuerySet]
    columns: list[Column]
    form_class: type[forms.BaseForm] | None = None
    create: Callable[[dict], Model] | None = None  # create(cleaned_data) -> the new row
    update: Callable[[Model, dict], Model] | None = None  # update(row, cleaned_data) -> the row
    filterset_class: Any = None
    filter_names: tuple[str, ...] = ()  # the FilterSet's filters shown in the toolbar
    search_fields: tuple[str, ...] = ()
    ordering_fields: tuple[str, ...] = ()
    ordering: tuple[str, ...] = ("-created_at", "-id")
    detail_fields: list[tuple[str, str | Callable[[Any], Any]]] = field(default_factory=list)
    detail_extra: str | None = None  # a template included below the detail's fields (gets `object`)
    detail_context: Callable[[Any], dict] | None = None  # extra context for it
    label: Callable[[Any], str] = str  # a row's name in headings and button labels
    deactivate: bool = True
    search_help: str = ""
    add_url_name: str | None = None  # a create screen of the app's own (an order with lines), not `create`

    # --- Permissions, as the API's ModelPermissions -----------------------------------------------

    def perm(self, action: str) -> str:
        return f"{self.model._meta.app_label}.{action}_{self.model._meta.model_name}"

    def url(self, suffix: str = "", *args) -> str:
        return reverse(f"ui-{self.key}{'-' + suffix if suffix else ''}", args=args)

    # --- Views ------------------------------------------------------------------------------------

    def list_view(self, request):
        state = list_state(
            request,
            self.selector(),
            filterset_class=self.filterset_class,
            search_fields=self.search_fields,
            ordering_fields=self.ordering_fields,
            ordering=self.ordering,
        )
        columns = [
            {
                "label": c.label,
                "num": c.num,
                "order": c.order,
                "sorted": state.ordering.lstrip("-") == c.order if c.order else False,
                "desc": state.ordering.startswith("-"),
            }
            for c in self.columns
        ]
        rows = [
            {
                "object": row,
                "url": self.url("detail", row.pk),
                "cells": [{"text": display(resolve(row, c.value)), "link": c.link, "num": c.num} for c in self.columns],
            }
            for row in state.rows
        ]
        filter_fields = [state.filters.form[name] for name in self.filter_names] if state.filters else []
        context = {
            "resource": self,
            "state": state,
            "columns": columns,
            "rows": rows,
            "filter_fields": filter_fields,
            "filter_errors": state.filters.errors if state.filters and not state.filters.is_valid() else None,
            "can_add": (self.create is not None or self.add_url_name) and request.user.has_perm(self.perm("add")),
            "list_url": self.url(),
            "new_url": reverse(self.add_url_name) if self.add_url_name else self.url("new") if self.create else None,
        }
        return render_page(request, "ui/crud/list.html", context, partial="ui/crud/_table.html")

    def detail_view(self, request, pk: int):
        obj = get_object_or_404(self.selector(), pk=pk)
        context = {
            "resource": self,
            "object": obj,
            "name": self.label(obj),
            "fields": [(label, display(resolve(obj, value))) for label, value in self.detail_fields],
            "can_change": self.update is not None and request.user.has_perm(self.perm("change")),
            "list_url": self.url(),
            "edit_url": self.url("edit", obj.pk) if self.update is not None else None,
            "active_url": self.url("active", obj.pk) if self.update is not None and self.deactivate else None,
        }
        if self.detail_context:
            context.update(self.detail_context(obj))
        return render_page(request, "ui/crud/detail.html", context)

    def _form_page(self, request, form, obj=None):
        # Re-rendered with its errors, a form answers 200 like the shell's (a browser logs a 4xx document as
        # a console error); the refusal is beside the field.
        context = {
            "resource": self,
            "form": form,
            "object": obj,
            "name": self.label(obj) if obj else None,
            "list_url": self.url(),
            "action": self.url("edit", obj.pk) if obj else self.url("new"),
            "cancel_url": self.url("detail", obj.pk) if obj else self.url(),
        }
        return render_page(request, "ui/crud/form.html", context)

    def create_view(self, request):
        require_perm(request, self.perm("add"))
        if request.method == "POST":
            form = self.form_class(request.POST)
            if form.is_valid():
                made = service_run(form, lambda: self.create(form.cleaned_data))
                if made is not None:
                    messages.success(request, f"Created {self.singular} {self.label(made)}.")
                    return redirect(self.url("detail", made.pk))
            return self._form_page(request, form)
        return self._form_page(request, self.form_class())

    def edit_view(self, request, pk: int):
        require_perm(request, self.perm("change"))
        obj = get_object_or_404(self.selector(), pk=pk)
        if request.method == "POST":
            # The form validates on a copy of its own: a ModelForm writes what was typed onto its instance,
            # and the service must compare the change with the row as it is.
            form = self.form_class(request.POST, instance=self.selector().get(pk=obj.pk))
            if form.is_valid():
                changed = {name: form.cleaned_data[name] for name in form.changed_data if name in form.cleaned_data}
                done = service_run(form, lambda: self.update(obj, changed) if changed else obj)
                if done is not None:
                    messages.success(request, f"Saved {self.singular} {self.label(done)}.")
                    return redirect(self.url("detail", done.pk))
            return self._form_page(request, form, obj)
        return self._form_page(request, self.form_class(instance=obj), obj)

    def active_view(self, request, pk: int):
        obj = get_object_or_404(self.selector(), pk=pk)
        active = request.POST.get("active") == "true"
        try:
            with transaction.atomic():
                self.update(obj, {"active": active})
            verb = "Reactivated" if active else "Deactivated"
            messages.success(request, f"{verb} {self.singular} {self.label(obj)}.")
        except DomainError as exc:
            messages.error(request, exc.detail)
        return redirect(self.url("detail", obj.pk))

    def urls(self) -> list:
        view, add, change = self.perm("view"), self.perm("add"), self.perm("change")
        patterns = [
            path(f"{self.key}/", ui_view(view, methods=("GET",))(self.list_view), name=f"ui-{self.key}"),
            path(
                f"{self.key}/<int:pk>/",
                ui_view(view, methods=("GET",))(self.detail_view),
                name=f"ui-{self.key}-detail",
            ),
        ]
        if self.create is not None:
            patterns.append(path(f"{self.key}/new/", ui_view(view, add)(self.create_view), name=f"ui-{self.key}-new"))
        if self.update is not None:
            patterns.append(
                path(f"{self.key}/<int:pk>/edit/", ui_view(view, change)(self.edit_view), name=f"ui-{self.key}-edit")
            )
            if self.deactivate:
                patterns.append(
                    path(
                        f"{self.key}/<int:pk>/active/",
                        ui_view(view, change, methods=("POST",))(self.active_view),
                        name=f"ui-{self.key}-active",
                    )
                )
        return patterns
