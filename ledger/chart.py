"""The default chart of accounts for a meat processor, installed in every new silo."""

from ledger.models import AccountRole as R
from ledger.models import AccountType as T

# (code, name, type, role, parent code)
DEFAULT_CHART: list[tuple[str, str, str, str | None, str | None]] = [
    ("1000", "Current assets", T.ASSET, None, None),
    ("1010", "Operating cash", T.ASSET, R.CASH, "1000"),
    ("1100", "Accounts receivable", T.ASSET, R.ACCOUNTS_RECEIVABLE, "1000"),
    ("1200", "Inventory: meat and by-products", T.ASSET, R.INVENTORY, "1000"),
    ("1210", "Inventory: packaging and supplies", T.ASSET, None, "1000"),
    ("1220", "Inventory in transit", T.ASSET, R.INVENTORY_IN_TRANSIT, "1000"),
    ("1300", "Prepaid expenses", T.ASSET, None, "1000"),
    ("1500", "Plant and equipment", T.ASSET, None, None),
    ("1510", "Accumulated depreciation", T.ASSET, None, "1500"),
    ("2000", "Current liabilities", T.LIABILITY, None, None),
    ("2010", "Accounts payable", T.LIABILITY, R.ACCOUNTS_PAYABLE, "2000"),
    ("2020", "Goods received not invoiced", T.LIABILITY, R.PURCHASES_CLEARING, "2000"),
    ("2030", "Accrued freight", T.LIABILITY, R.ACCRUED_FREIGHT, "2000"),
    ("2100", "Accrued payroll", T.LIABILITY, None, "2000"),
    ("2200", "Sales tax payable", T.LIABILITY, None, "2000"),
    ("2500", "Equipment loans", T.LIABILITY, None, None),
    ("3000", "Owner's capital", T.EQUITY, None, None),
    ("3100", "Retained earnings", T.EQUITY, R.RETAINED_EARNINGS, None),
    ("3900", "Opening balance equity", T.EQUITY, R.OPENING_BALANCE, None),
    ("4000", "Sales: boxed beef and pork", T.REVENUE, R.SALES_REVENUE, None),
    ("4100", "Sales: by-products, hides and rendering", T.REVENUE, None, None),
    ("4200", "Custom processing fees", T.REVENUE, None, None),
    ("4900", "Sales returns and allowances", T.REVENUE, None, None),
    ("5000", "Cost of goods sold", T.EXPENSE, R.COST_OF_GOODS_SOLD, None),
    ("5050", "Purchase price variance", T.EXPENSE, R.PURCHASE_PRICE_VARIANCE, None),
    ("5100", "Processing labor and overhead", T.EXPENSE, R.PROCESSING, None),
    # Credited with the processing cost each production order capitalises into its outputs (contra 5100).
    ("5110", "Processing cost applied", T.EXPENSE, R.PROCESSING_APPLIED, None),
    ("5200", "Shrink and trim loss", T.EXPENSE, R.SHRINK, None),
    ("5210", "Inventory adjustments", T.EXPENSE, R.INVENTORY_ADJUSTMENT, None),
    ("5300", "Packaging", T.EXPENSE, None, None),
    ("6000", "Freight out", T.EXPENSE, R.FREIGHT, None),
    ("6100", "Utilities and refrigeration", T.EXPENSE, None, None),
    ("6200", "Repairs and sanitation", T.EXPENSE, None, None),
    ("6300", "Wages: office and sales", T.EXPENSE, None, None),
    ("6400", "Insurance", T.EXPENSE, None, None),
    ("6500", "Depreciation", T.EXPENSE, None, None),
    ("6900", "Bank fees and interest", T.EXPENSE, None, None),
]
