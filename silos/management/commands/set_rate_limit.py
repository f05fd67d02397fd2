"""Platform administration of rate limits: plans, a silo's plan, and per-token overrides.

set_rate_limit --plan enterprise --per-minute 5000 --burst 300
set_rate_limit --silo blythe --plan enterprise
set_rate_limit --silo blythe --token-prefix cs_1a2b3c4d --per-minute 20000 --burst 500
set_rate_limit --silo blythe --token-prefix cs_1a2b3c4d --clear
"""

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from cashsheet.api.exceptions import InvalidInput
from silos.members.models import ApiToken
from silos.members.services import token_set_rate_limit
from silos.models import Plan, Silo
from silos.services import plan_set_limits, silo_set_plan


class Command(BaseCommand):
    help = "Set a plan's rate limits, put a silo on a plan, or override one token's limits."

    def add_arguments(self, parser):
        parser.add_argument("--plan", help="plan name (created if it does not exist when limits are given)")
        parser.add_argument("--silo", help="silo slug")
        parser.add_argument("--token-prefix", help="the token's visible prefix, e.g. cs_1a2b3c4d")
        parser.add_argument("--per-minute", type=int, help="requests per rolling minute")
        parser.add_argument("--burst", type=int, help="requests per rolling second")
        parser.add_argument("--clear", action="store_true", help="remove a token's override (plan applies)")

    def handle(self, *args, plan, silo, token_prefix, per_minute, burst, clear, **options):
        try:
            if token_prefix:
                self._token(silo, token_prefix, per_minute, burst, clear)
            elif silo and plan:
                self._silo_plan(silo, plan)
            elif plan:
                if per_minute is None and burst is None:
                    raise CommandError("give --per-minute and/or --burst for the plan")
                p = plan_set_limits(name=plan, per_minute=per_minute, burst=burst)
                self.stdout.write(f"plan {p.name}: {p.requests_per_minute}/min, burst {p.burst_per_second}/s")
            else:
                raise CommandError(
                    "use --plan NAME with limits, --silo SLUG --plan NAME, or --silo SLUG --token-prefix"
                )
        except ValidationError as exc:
            raise CommandError("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items())) from None
        except InvalidInput as exc:
            raise CommandError(f"{exc.field}: {exc.detail}") from None

    def _silo(self, slug: str | None) -> Silo:
        if not slug:
            raise CommandError("--silo is required")
        try:
            return Silo.objects.get(schema_name=slug, is_template=False)
        except Silo.DoesNotExist:
            raise CommandError(f"no silo '{slug}'") from None

    def _silo_plan(self, slug: str, plan_name: str) -> None:
        silo = self._silo(slug)
        try:
            plan = Plan.objects.get(name=plan_name)
        except Plan.DoesNotExist:
            raise CommandError(f"no plan '{plan_name}' (create it with --plan {plan_name} --per-minute N)") from None
        silo_set_plan(silo=silo, plan=plan)
        self.stdout.write(
            f"silo {slug} is on plan {plan.name} ({plan.requests_per_minute}/min, burst {plan.burst_per_second}/s)"
        )

    def _token(self, slug, prefix, per_minute, burst, clear) -> None:
        silo = self._silo(slug)
        if clear == (per_minute is not None or burst is not None):
            raise CommandError("give either --clear or --per-minute/--burst for a token")
        with schema_context(silo.schema_name):
            try:
                token = ApiToken.objects.get(prefix=prefix)
            except ApiToken.DoesNotExist:
                raise CommandError(f"no token '{prefix}' in silo '{slug}'") from None
            token = token_set_rate_limit(token=token, per_minute=per_minute, burst=burst)
        self.stdout.write(
            f"token {prefix}@{slug}: per minute {token.rate_limit_per_minute or 'plan'}, "
            f"burst {token.rate_limit_burst or 'plan'}"
        )
