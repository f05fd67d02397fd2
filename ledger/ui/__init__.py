"""Money in the silo UI: invoices and bills (post, void), receipts and payments applied to open documents,
journal entries (reverse), accounting periods (close, reopen). The ledger's selectors, filters, services and
the API's permissions."""
