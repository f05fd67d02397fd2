"""ATP in the silo UI: the phone quote page, the live per-line quote of the order form, LP runs."""
