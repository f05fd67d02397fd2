"""Sales orders in the silo UI: create with lines and a live ATP quote per line, confirm (a shortfall shows
each line's answer), ship with catch weights, invoice, cancel. The services and permissions of
/api/v2/sales-orders/."""
