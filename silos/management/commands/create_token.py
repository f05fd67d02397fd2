from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError
from django_tenants.utils import schema_context

from silos.members.services import token_create
from silos.models import Silo


class Command(BaseCommand):
    help = "Issue an API token for a silo's user. The raw token is the last line of the output."

    def add_arguments(self, parser):
        parser.add_argument("--silo", required=True)
        parser.add_argument("--user", required=True)
        parser.add_argument("--name", required=True)

    def handle(self, *args, silo, user, name, **options):
        if not Silo.objects.filter(schema_name=silo, is_template=False).exists():
            raise CommandError(f"no silo '{silo}'")
        with schema_context(silo):
            try:
                owner = get_user_model().objects.get(username=user)
            except get_user_model().DoesNotExist:
                raise CommandError(f"no user '{user}' in silo '{silo}'") from None
            token, raw = token_create(user=owner, name=name)
        self.stdout.write(f"token {token.prefix} '{name}' for {user}@{silo} (shown once):")
        self.stdout.write(raw)
