"""Chart of accounts writes: create, update (type frozen once posted to), delete (only if unused)."""

from django.db import transaction

from cashsheet.api.services import ensure_unique
from ledger.errors import AccountInUse, InvalidInput, RoleMissing
from ledger.models import Account, AccountRole, JournalLine
from ledger.models.accounts import DEFAULT_NORMAL_BALANCE
from ledger.models.documents import BillLine, InvoiceLine

ACCOUNT_FIELDS = frozenset({"code", "name", "type", "normal_balance", "parent", "role", "active"})


def account_for_role(role: str) -> Account:
    """The account the system posts to for `role` (e.g. "accounts_receivable"); 409 if none has it."""
    if role not in AccountRole.values:
        raise ValueError(f"unknown account role {role!r}; one of {AccountRole.values}")
    account = Account.objects.filter(role=role).first()
    if account is None:
        raise RoleMissing(f"No account has the role '{role}'; assign it in the chart of accounts.", role=role)
    return account


def account_has_postings(account: Account) -> bool:
    return JournalLine.objects.filter(account=account).exists()


def _check(data: dict, instance: Account | None = None) -> None:
    unknown = set(data) - ACCOUNT_FIELDS
    if unknown:
        raise TypeError(f"unknown account fields: {sorted(unknown)}")
    if data.get("code") is not None:
        ensure_unique(
            Account.objects.filter(code__iexact=data["code"]),
            field="code",
            value=data["code"],
            label="account",
            exclude=instance,
        )
    if data.get("role"):
        ensure_unique(
            Account.objects.filter(role=data["role"]),
            field="role",
            value=data["role"],
            label="account",
            exclude=instance,
        )
    parent = data.get("parent")
    if parent is not None and instance is not None:
        # Walk up from the new parent: reaching this account would make a cycle.
        node = parent
        while node is not None:
            if node.pk == instance.pk:
                raise InvalidInput("An account cannot be its own ancestor.", field="parent")
            node = node.parent


@transaction.atomic
def account_create(**data) -> Account:
    _check(data)
    data.setdefault("normal_balance", DEFAULT_NORMAL_BALANCE[data["type"]])
    account = Account(**data)
    account.full_clean(validate_constraints=False)
    account.save()
    return account


@transaction.atomic
def account_update(*, account: Account, **data) -> Account:
    _check(data, instance=account)
    account = Account.objects.select_for_update().get(pk=account.pk)
    if "type" in data and data["type"] != account.type and account_has_postings(account):
        raise AccountInUse(
            f"Account {account.code} has postings; its type cannot change from '{account.type}'.",
            field="type",
        )
    for name, value in data.items():
        setattr(account, name, value)
    account.full_clean(validate_constraints=False)
    account.save(update_fields=[*data.keys(), "updated_at"])
    return account


@transaction.atomic
def account_delete(*, account: Account) -> None:
    account = Account.objects.select_for_update().get(pk=account.pk)
    if account_has_postings(account):
        raise AccountInUse(f"Account {account.code} has postings and cannot be deleted; deactivate it instead.")
    if InvoiceLine.objects.filter(account=account).exists() or BillLine.objects.filter(account=account).exists():
        raise AccountInUse(f"Account {account.code} is used by invoice or bill lines; deactivate it instead.")
    if account.children.exists():
        raise AccountInUse(f"Account {account.code} has child accounts.")
    account.delete()


def chart_install() -> int:
    """Install the default chart (idempotent: codes that exist are left alone). Returns accounts created."""
    from ledger.chart import DEFAULT_CHART

    existing = {c.upper() for c in Account.objects.values_list("code", flat=True)}
    taken_roles = set(Account.objects.exclude(role=None).values_list("role", flat=True))
    by_code = {a.code: a for a in Account.objects.all()}
    created = 0
    for code, name, type_, role, parent in DEFAULT_CHART:
        if code.upper() in existing:
            continue
        account = Account.objects.create(
            code=code,
            name=name,
            type=type_,
            normal_balance=DEFAULT_NORMAL_BALANCE[type_],
            role=role if role not in taken_roles else None,
            parent=by_code.get(parent) if parent else None,
        )
        by_code[code] = account
        created += 1
    return created
