"""Django admin on the public host: plans (rate limits), silos and their domains.

Silos are created with `manage.py create_silo` (the schema is cloned there), never here, and a silo's
row is not deleted from here either: that would orphan its schema.
"""

from django.contrib import admin

from silos.models import Domain, Plan, Silo


@admin.register(Plan)
class PlanAdmin(admin.ModelAdmin):
    list_display = ["name", "requests_per_minute", "burst_per_second", "created_at"]
    search_fields = ["name"]


class DomainInline(admin.TabularInline):
    model = Domain
    extra = 0


@admin.register(Silo)
class SiloAdmin(admin.ModelAdmin):
    list_display = ["schema_name", "name", "plan", "created_at"]
    list_filter = ["plan"]
    search_fields = ["schema_name", "name"]
    readonly_fields = ["schema_name", "is_template", "created_at", "updated_at"]
    fields = [
        "schema_name",
        "name",
        "plan",
        "atp_horizon_days",
        "atp_time_limit_ms",
        "catch_weight_tolerance_pct",
        "is_template",
        "created_at",
        "updated_at",
    ]
    inlines = [DomainInline]

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Domain)
class DomainAdmin(admin.ModelAdmin):
    list_display = ["domain", "tenant", "is_primary"]
    search_fields = ["domain"]
