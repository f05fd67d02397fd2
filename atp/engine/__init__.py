"""The ATP engine: a long-lived HiGHS LP per silo and item family, re-solved warm per request.

See docs/atp.md for the equations. `model.AtpModel` is the LP; `cache` keeps one per process and
serialises calls into HiGHS (its objects are not thread-safe).
"""
