"""Journal entries and periods: balanced to the cent, numbered without gaps, immutable, reversible."""

from datetime import date
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from ledger.errors import Conflict, InvalidInput, PeriodClosed, UnbalancedEntry
from ledger.models import Account, EntrySource, JournalEntry, JournalLine, Period, PeriodStatus
from ledger.references import referenced_ids, referenced_model
from ledger.services.common import money, pk_of, sequence_next

ZERO = Decimal("0.00")
DOCUMENT_SOURCES = {EntrySource.INVOICE, EntrySource.BILL, EntrySource.RECEIPT, EntrySource.PAYMENT}
# Line keys naming a row the line's foreign key points at (a customer, a vendor, a facility).
DIMENSIONS = {"customer_id": "customer", "vendor_id": "vendor", "facility_id": "facility"}
LINE_KEYS = {"account", "account_id", "debit", "credit", "memo", *DIMENSIONS, "customer", "vendor", "facility"}


def period_check_open(entry_date: date) -> None:
    """Refuse a posting dated in a closed period. Locks the covering period rows (FOR UPDATE) so a
    concurrent close waits for this posting's transaction, and a posting waits for a close."""
    closed = [
        p
        for p in Period.objects.filter(start_date__lte=entry_date, end_date__gte=entry_date)
        .order_by("pk")
        .select_for_update()
        if p.status == PeriodStatus.CLOSED
    ]
    if closed:
        raise PeriodClosed(
            f"Period {closed[0].name} ({closed[0].start_date} to {closed[0].end_date}) is closed; "
            f"nothing can be posted on {entry_date}.",
            field="entry_date",
            period=closed[0].pk,
        )


def accounts_share_lock(ids: set[int], roles: tuple[str, ...] = ()) -> dict[int, Account]:
    """Read the accounts (by id, and those holding `roles`) FOR SHARE in pk order: concurrent postings share
    the lock, while a type change or delete (FOR UPDATE) waits for them to commit and then sees their
    lines. Django's own foreign-key check is deferred to COMMIT, too late to stop that race."""
    table = Account._meta.db_table
    rows = Account.objects.raw(
        f'SELECT * FROM "{table}" WHERE id = ANY(%s) OR role = ANY(%s) ORDER BY id FOR SHARE',
        [sorted(ids), list(roles)],
    )
    return {account.pk: account for account in rows}


def accounts_for_roles(*roles: str, ids: set[int] = frozenset()) -> tuple[dict[int, Account], list[Account]]:
    """One query for the system accounts a document posts to plus its line accounts, all share-locked."""
    locked = accounts_share_lock(set(ids), roles)
    by_role = {a.role: a for a in locked.values() if a.role}
    missing = [role for role in roles if role not in by_role]
    if missing:
        from ledger.services.accounts import account_for_role

        account_for_role(missing[0])  # raises RoleMissing naming the role
    return locked, [by_role[role] for role in roles]


def _normalize_lines(lines: list[dict], *, check_dimensions: bool, locked: dict | None = None) -> list[dict]:
    if not isinstance(lines, list) or len(lines) < 2:
        raise InvalidInput("An entry needs at least two lines.", field="lines")
    out = []
    for i, raw in enumerate(lines):
        unknown = set(raw) - LINE_KEYS
        if unknown:
            raise InvalidInput(f"Unknown line keys: {', '.join(sorted(unknown))}.", field=f"lines.{i}")
        account_id = pk_of(raw.get("account", raw.get("account_id")))
        if account_id is None:
            raise InvalidInput("Each line needs an account.", field=f"lines.{i}.account")
        debit, credit = raw.get("debit"), raw.get("credit")
        if (debit is None) == (credit is None):
            raise InvalidInput("Give exactly one of debit or credit.", field=f"lines.{i}")
        line = {
            "account_id": account_id,
            "debit": money(debit, field=f"lines.{i}.debit") if debit is not None else ZERO,
            "credit": money(credit, field=f"lines.{i}.credit") if credit is not None else ZERO,
            "memo": raw.get("memo") or "",
        }
        for key in DIMENSIONS:
            line[key] = pk_of(raw.get(key, raw.get(key[:-3])))
        out.append(line)
    wanted = {line["account_id"] for line in out}
    accounts = locked if locked is not None and wanted <= set(locked) else accounts_share_lock(wanted)
    for i, line in enumerate(out):
        account = accounts.get(line["account_id"])
        if account is None:
            raise InvalidInput(f"Account {line['account_id']} does not exist.", field=f"lines.{i}.account")
        if not account.active:
            raise InvalidInput(f"Account {account.code} is inactive.", field=f"lines.{i}.account")
    if check_dimensions:
        for key, field in DIMENSIONS.items():
            wanted = {line[key] for line in out if line[key] is not None}
            if not wanted:
                continue
            found = referenced_ids(JournalLine, field, wanted)
            name = referenced_model(JournalLine, field).__name__
            for i, line in enumerate(out):
                if line[key] is not None and line[key] not in found:
                    raise InvalidInput(f"{name} {line[key]} does not exist.", field=f"lines.{i}.{field}")
    return out


CONTROL_ROLES = {
    "accounts_receivable": "invoices and receipts",
    "accounts_payable": "bills and payments",
    # Perpetual inventory: the inventory accounts equal the stock valuation, so only stock postings move them.
    "inventory": "stock movements",
    "inventory_in_transit": "stock movements",
}


def _refuse_control_accounts(lines: list[dict]) -> None:
    """Receivables and payables move only through their documents, so the AR/AP subledgers (open invoices
    and bills, unapplied cash) always reconcile to the control accounts. Onboarding balances use
    source "adjustment"."""
    roles = dict(Account.objects.filter(pk__in={line["account_id"] for line in lines}).values_list("pk", "role"))
    for i, line in enumerate(lines):
        role = roles.get(line["account_id"])
        if role in CONTROL_ROLES:
            raise InvalidInput(
                f"The {role.replace('_', ' ')} account is posted through {CONTROL_ROLES[role]}, not manual entries.",
                field=f"lines.{i}.account",
            )


def journal_entry_post(
    *,
    entry_date: date,
    memo: str,
    source: str,
    source_id: int | None = None,
    lines: list[dict],
    actor=None,
    reverses: JournalEntry | None = None,
    check_dimensions: bool = True,
    locked_accounts: dict[int, Account] | None = None,
) -> JournalEntry:
    """Post a balanced entry (debits = credits exactly, ≥ 2 lines) dated in an open period.

    Line dicts: ``account`` (Account or id), exactly one of ``debit``/``credit`` (Decimal or string,
    > 0, 2 places), ``memo``, optional ``customer_id``/``vendor_id``/``facility_id``. Joins the
    caller's transaction; the number is taken last so the sequence row is locked as briefly as possible.
    """
    if source not in EntrySource.values:
        raise InvalidInput(f"Unknown source '{source}'; one of {', '.join(EntrySource.values)}.", field="source")
    if not isinstance(entry_date, date):
        raise InvalidInput("Must be a date.", field="entry_date")
    normalized = _normalize_lines(lines, check_dimensions=check_dimensions, locked=locked_accounts)
    if source == EntrySource.MANUAL:
        _refuse_control_accounts(normalized)
    total_debit = sum(line["debit"] for line in normalized)
    total_credit = sum(line["credit"] for line in normalized)
    if total_debit != total_credit:
        raise UnbalancedEntry(
            f"Debits {total_debit:.2f} and credits {total_credit:.2f} differ by {abs(total_debit - total_credit):.2f}.",
            field="lines",
            total_debit=f"{total_debit:.2f}",
            total_credit=f"{total_credit:.2f}",
        )
    # No savepoint of its own: a failure here aborts the caller's block anyway, and posting is hot.
    with transaction.atomic(savepoint=False):
        period_check_open(entry_date)
        entry = JournalEntry.objects.create(
            number=sequence_next("journal_entry"),
            entry_date=entry_date,
            memo=memo or "",
            source=source,
            source_id=source_id,
            reverses=reverses,
            created_by=actor if getattr(actor, "pk", None) else None,
        )
        JournalLine.objects.bulk_create(
            [JournalLine(entry=entry, entry_date=entry_date, **line) for line in normalized]
        )
    return entry


def mirror_lines(entry: JournalEntry) -> list[dict]:
    return [
        {
            "account_id": line.account_id,
            "debit": line.credit if line.credit else None,
            "credit": line.debit if line.debit else None,
            "memo": line.memo,
            "customer_id": line.customer_id,
            "vendor_id": line.vendor_id,
            "facility_id": line.facility_id,
        }
        for line in entry.lines.all()
    ]


def _strip(lines: list[dict]) -> list[dict]:
    return [{k: v for k, v in line.items() if v is not None} for line in lines]


def journal_entry_reverse(
    *, entry: JournalEntry, entry_date: date | None = None, memo: str | None = None, actor=None, _document: bool = False
) -> JournalEntry:
    """Post the mirror of `entry` (every debit becomes a credit). An entry is reversed at most once.

    Entries of invoices, bills, receipts and payments are reversed through their document (void),
    so the document and the books never disagree.
    """
    with transaction.atomic():
        entry = JournalEntry.objects.select_for_update().get(pk=entry.pk)
        if not _document and entry.source in DOCUMENT_SOURCES:
            raise Conflict(
                f"Entry {entry.number} belongs to a {entry.source} ({entry.source_id}); "
                f"void the {entry.source} instead.",
                source=entry.source,
                source_id=entry.source_id,
            )
        if JournalEntry.objects.filter(reverses=entry).exists():
            raise Conflict(f"Entry {entry.number} is already reversed.", reversed_by=entry.reversed_by.pk)
        return journal_entry_post(
            entry_date=entry_date or max(entry.entry_date, timezone.localdate()),
            memo=memo or f"Reversal of entry {entry.number}",
            source=EntrySource.REVERSAL,
            source_id=entry.pk,
            lines=_strip(mirror_lines(entry)),
            actor=actor,
            reverses=entry,
            check_dimensions=False,
        )


# --- Periods ----------------------------------------------------------------------------------------


@transaction.atomic
def period_create(*, name: str, start_date: date, end_date: date) -> Period:
    if start_date > end_date:
        raise InvalidInput("end_date must be on or after start_date.", field="end_date")
    # One creator at a time (the sequence row is the mutex), so two overlapping periods cannot both pass.
    sequence_next("period")
    overlap = Period.objects.filter(Q(start_date__lte=end_date) & Q(end_date__gte=start_date)).first()
    if overlap is not None:
        raise Conflict(
            f"Overlaps period {overlap.name} ({overlap.start_date} to {overlap.end_date}).",
            field="start_date",
            existing_id=overlap.pk,
        )
    if Period.objects.filter(name=name).exists():
        raise Conflict(f"A period named '{name}' already exists.", field="name")
    return Period.objects.create(name=name, start_date=start_date, end_date=end_date)


def _period_set(period: Period, status: str) -> Period:
    with transaction.atomic():
        period = Period.objects.select_for_update().get(pk=period.pk)
        if period.status == status:
            raise Conflict(f"Period {period.name} is already {status}.", field="status", status=period.status)
        period.status = status
        period.closed_at = timezone.now() if status == PeriodStatus.CLOSED else None
        period.save(update_fields=["status", "closed_at", "updated_at"])
    return period


def period_close(*, period: Period, actor=None) -> Period:
    return _period_set(period, PeriodStatus.CLOSED)


def period_reopen(*, period: Period, actor=None) -> Period:
    return _period_set(period, PeriodStatus.OPEN)
