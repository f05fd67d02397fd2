"""Customers and vendors move into parties, keeping their rows, ids and permission grants.

The tables are renamed in place (sales_customer -> parties_customer, inventory_vendor -> parties_vendor)
with their sequences, named constraints and indexes, so every foreign key (sales orders, invoices, bills,
receipts, payments, journal lines) keeps pointing at the same rows. The content types move too, so a
user or group granted sales.view_customer now holds parties.view_customer.
"""

import django.db.models.functions.text
from decimal import Decimal
from django.db import migrations, models

RENAMES = {
    # old table: (new table, [(kind, old name, new name)])
    "sales_customer": (
        "parties_customer",
        [
            ("INDEX", "sales_customer_code_unique", "parties_customer_code_unique"),
            ("INDEX", "sales_customer_external_ref_unique", "parties_customer_external_ref_unique"),
            ("INDEX", "sales_customer_name_idx", "parties_customer_name_idx"),
            ("INDEX", "sales_customer_active_idx", "parties_customer_active_idx"),
            ("CONSTRAINT", "sales_customer_code_not_blank", "parties_customer_code_not_blank"),
            ("CONSTRAINT", "sales_customer_credit_limit_nonnegative", "parties_customer_credit_limit_nonnegative"),
        ],
    ),
    "inventory_vendor": (
        "parties_vendor",
        [
            ("INDEX", "inventory_vendor_code_unique", "parties_vendor_code_unique"),
            ("INDEX", "inventory_vendor_external_ref_unique", "parties_vendor_external_ref_unique"),
            ("CONSTRAINT", "inventory_vendor_code_not_blank", "parties_vendor_code_not_blank"),
        ],
    ),
}


def _sql(forward: bool) -> list[str]:
    out = []
    for old_table, (new_table, names) in RENAMES.items():
        src, dst = (old_table, new_table) if forward else (new_table, old_table)
        out.append(f'ALTER TABLE "{src}" RENAME TO "{dst}"')
        out.append(f'ALTER SEQUENCE IF EXISTS "{src}_id_seq" RENAME TO "{dst}_id_seq"')
        out.append(f'ALTER INDEX IF EXISTS "{src}_pkey" RENAME TO "{dst}_pkey"')
        for kind, old, new in names:
            a, b = (old, new) if forward else (new, old)
            if kind == "INDEX":
                out.append(f'ALTER INDEX "{a}" RENAME TO "{b}"')
            else:
                out.append(f'ALTER TABLE "{dst}" RENAME CONSTRAINT "{a}" TO "{b}"')
    return out


MOVED = [("sales", "customer"), ("inventory", "vendor")]


def content_types_move(apps, schema_editor, forward=True):
    """Permissions hang off content types: moving the type keeps every grant."""
    content_type = apps.get_model("contenttypes", "ContentType")
    for old_app, model in MOVED:
        src, dst = (old_app, "parties") if forward else ("parties", old_app)
        if not content_type.objects.filter(app_label=dst, model=model).exists():
            content_type.objects.filter(app_label=src, model=model).update(app_label=dst)


def content_types_back(apps, schema_editor):
    content_types_move(apps, schema_editor, forward=False)


class Migration(migrations.Migration):

    initial = True

    dependencies = [
        ("contenttypes", "0002_remove_content_type_name"),
        ("sales", "0004_counterparty_base"),
        ("inventory", "0002_counterparty_base"),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[migrations.RunSQL(_sql(True), reverse_sql=_sql(False))],
            state_operations=[
                migrations.CreateModel(
                    name='Customer',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(help_text='Your code for the counterparty, unique in the silo.', max_length=32)),
                        ('name', models.CharField(max_length=200)),
                        ('email', models.EmailField(blank=True, default='', max_length=254)),
                        ('phone', models.CharField(blank=True, default='', max_length=40)),
                        ('payment_terms_days', models.PositiveSmallIntegerField(default=30)),
                        ('tax_id', models.CharField(blank=True, default='', max_length=40)),
                        ('external_ref', models.CharField(blank=True, help_text="The CRM's or ERP's id; unique when set.", max_length=100, null=True)),
                        ('active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True)),
                        ('billing_address', models.JSONField(blank=True, default=dict)),
                        ('shipping_address', models.JSONField(blank=True, default=dict)),
                        ('credit_limit', models.DecimalField(decimal_places=2, default=Decimal('0.00'), max_digits=14)),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                        'abstract': False,
                        'indexes': [models.Index(fields=['name'], name='parties_customer_name_idx'), models.Index(fields=['active', '-created_at'], name='parties_customer_active_idx')],
                        'constraints': [models.UniqueConstraint(django.db.models.functions.text.Upper('code'), name='parties_customer_code_unique', violation_error_message='This code is already in use.'), models.UniqueConstraint(condition=models.Q(('external_ref__isnull', False)), fields=('external_ref',), name='parties_customer_external_ref_unique', violation_error_message='This external_ref is already in use.'), models.CheckConstraint(condition=models.Q(('code', ''), _negated=True), name='parties_customer_code_not_blank'), models.CheckConstraint(condition=models.Q(('credit_limit__gte', 0)), name='parties_customer_credit_limit_nonnegative')],
                    },
                ),
                migrations.CreateModel(
                    name='Vendor',
                    fields=[
                        ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                        ('code', models.CharField(help_text='Your code for the counterparty, unique in the silo.', max_length=32)),
                        ('name', models.CharField(max_length=200)),
                        ('email', models.EmailField(blank=True, default='', max_length=254)),
                        ('phone', models.CharField(blank=True, default='', max_length=40)),
                        ('payment_terms_days', models.PositiveSmallIntegerField(default=30)),
                        ('tax_id', models.CharField(blank=True, default='', max_length=40)),
                        ('external_ref', models.CharField(blank=True, help_text="The CRM's or ERP's id; unique when set.", max_length=100, null=True)),
                        ('active', models.BooleanField(default=True)),
                        ('created_at', models.DateTimeField(auto_now_add=True, db_index=True)),
                        ('updated_at', models.DateTimeField(auto_now=True, db_index=True)),
                        ('contact_name', models.CharField(blank=True, default='', max_length=200)),
                        ('address', models.JSONField(blank=True, default=dict)),
                    ],
                    options={
                        'ordering': ['-created_at', '-id'],
                        'abstract': False,
                        'constraints': [models.UniqueConstraint(django.db.models.functions.text.Upper('code'), name='parties_vendor_code_unique', violation_error_message='This code is already in use.'), models.UniqueConstraint(condition=models.Q(('external_ref__isnull', False)), fields=('external_ref',), name='parties_vendor_external_ref_unique', violation_error_message='This external_ref is already in use.'), models.CheckConstraint(condition=models.Q(('code', ''), _negated=True), name='parties_vendor_code_not_blank')],
                    },
                ),
            ],
        ),
        migrations.RunPython(content_types_move, content_types_back),
    ]
