"""ATP check latency: over HTTP to gunicorn at two scales, plus how the engine grows with size.

    DATABASE_URL=... REDIS_URL=... .venv/bin/python bench/atp.py [--requests 600] [--no-write]

1. Two silos in the database DATABASE_URL names (created once, reused): `atpdemo` (3 facilities, 30 items,
   90-day horizon) and `atpbench` (10 facilities, 100 items, 60-day horizon, 1,000 reserved order lines).
2. gunicorn (2 sync workers) serves them; one client POSTs random checks to /api/v2/atp/check/ and times
   each request end to end. The first request for an item family in each worker builds that family's
   model (reported separately as "cold"); the figures are the warm requests after it.
3. In process, without HTTP: model build and warm re-solve time as facilities, items and horizon grow.
Writes the figures and the command into BENCHMARKS.md's "ATP check latency" section.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time
from decimal import Decimal
from pathlib import Path

BASE = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(BASE))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cashsheet.settings")

FAMILY = 5  # a primal, three subprimals and a trim per family


def spec(n_fac: int, n_items: int, n_res: int, seed: int = 7, connected: bool = False) -> dict:
    """A deterministic synthetic network: families of a primal cut into subprimals and trim.

    `connected`: a carcass (the last item) also breaks into every primal, so all items form one family,
    as in a plant that breaks carcasses (one LP for the whole silo)."""
    rng = random.Random(seed)
    facilities = [
        {"code": f"P{n:02d}", "can_break": n % 3 == 0, "capacity": 20000 if n % 3 == 0 else 0} for n in range(n_fac)
    ]
    lanes = []
    for n in range(n_fac):
        for step in (1, 3) if n_fac > 3 else (1,):
            m = (n + step) % n_fac
            if m != n and (n, m) not in {(a, b) for a, b, _, _ in lanes}:
                lanes.append((n, m, rng.choice([1, 1, 2]), Decimal(rng.choice(["0.05", "0.10", "0.20", "0.30"]))))
    items, patterns = [], []
    for fam in range(n_items // FAMILY):
        base = len(items)
        items.append({"code": f"{100 + fam}P", "price": Decimal("5.00"), "category": "primal"})
        for k in range(3):
            items.append({"code": f"{100 + fam}S{k}", "price": Decimal(str(9 + 2 * k)), "category": "subprimal"})
        items.append({"code": f"{100 + fam}T", "price": Decimal("2.50"), "category": "trim"})
        outputs = [(base + 1, Decimal("0.20")), (base + 2, Decimal("0.18")), (base + 3, Decimal("0.15")),
                   (base + 4, Decimal("0.30"))]  # fmt: skip
        patterns.append({"code": f"CUT{100 + fam}", "input": base, "outputs": outputs, "cost": Decimal("0.35")})
    if connected:
        primals = list(range(0, len(items), FAMILY))
        carcass = len(items)
        items.append({"code": "CARC", "price": Decimal("4.00"), "category": "carcass"})
        yields = [(i, Decimal("0.9") / len(primals)) for i in primals]
        patterns.append({"code": "BREAK", "input": carcass, "outputs": yields, "cost": Decimal("0.20")})
    stock = []
    for f, fac in enumerate(facilities):
        for i, item in enumerate(items):
            if item["category"] == "primal":
                lb = rng.randint(20000, 60000) if fac["can_break"] else rng.randint(0, 5000)
            else:
                lb = rng.randint(0, 4000)
            stock.append((f, i, 0, lb))
            if rng.random() < 0.1:
                stock.append((f, i, rng.randint(1, 10), rng.randint(500, 3000)))  # a receipt in transit
    reservations = [
        (rng.randrange(n_fac), rng.randrange(len(items)), rng.randint(1, 59), rng.randint(100, 1500))
        for _ in range(n_res)
    ]
    return {"facilities": facilities, "lanes": lanes, "items": items, "patterns": patterns, "stock": stock,
            "reservations": reservations}  # fmt: skip


def populate(s: dict) -> None:
    """Write the spec into the current silo (a fresh one), as inventory's services would leave it."""
    import datetime as dt

    from cashsheet.timezones import DEFAULT_TIMEZONE, local_date
    from inventory.models import (
        CuttingPattern,
        CuttingPatternOutput,
        Facility,
        Item,
        Lot,
        LotBalance,
        LotDay,
        Reservation,
        StockBalance,
        StockDay,
        TransferLane,
    )

    today = local_date(DEFAULT_TIMEZONE)  # the facilities' date (the engine's day 0), not the server's
    facs = [Facility.objects.create(code=f["code"], name=f["code"], can_break=f["can_break"],
                                    breaking_capacity_lb=f["capacity"], fabrication_capacity_lb=f["capacity"])
            for f in s["facilities"]]  # fmt: skip
    items = [Item.objects.create(imps_code=i["code"], description=i["code"], category=i["category"],
                                 list_price_per_lb=i["price"]) for i in s["items"]]  # fmt: skip
    for a, b, lead, cost in s["lanes"]:
        TransferLane.objects.create(from_facility=facs[a], to_facility=facs[b], lead_time_days=lead, cost_per_lb=cost)
    for p in s["patterns"]:
        pattern = CuttingPattern.objects.create(code=p["code"], input_item=items[p["input"]],
                                                processing_cost_per_lb=p["cost"])  # fmt: skip
        for i, y in p["outputs"]:
            CuttingPatternOutput.objects.create(pattern=pattern, item=items[i], yield_fraction=y)
        pattern.facilities.set([f for f, spec_f in zip(facs, s["facilities"], strict=True) if spec_f["can_break"]])
    closing: dict = {}
    days = []
    balances = []
    for f, i, day, lb in sorted(s["stock"], key=lambda r: (r[0], r[1], r[2])):
        closing[(f, i)] = closing.get((f, i), 0) + lb
        days.append(StockDay(facility=facs[f], item=items[i], date=today + dt.timedelta(days=day),
                             closing_lb=closing[(f, i)]))  # fmt: skip
        if day == 0:
            balances.append(StockBalance(facility=facs[f], item=items[i], on_hand_lb=lb))
    StockDay.objects.bulk_create(days)
    StockBalance.objects.bulk_create(balances)
    # Every pound is in a lot: one per pair that keeps (the ATP reads stock by use-by through the lots).
    pairs = sorted({(d.facility_id, d.item_id) for d in days})
    lots = Lot.objects.bulk_create(
        [Lot(facility_id=f, item_id=i, code=f"BENCH-{f}", origin="opening", pack_date=today) for f, i in pairs]
    )
    lot_of = {(lot.facility_id, lot.item_id): lot for lot in lots}
    LotDay.objects.bulk_create(
        [LotDay(lot=lot_of[(d.facility_id, d.item_id)], facility_id=d.facility_id, date=d.date,
                closing_lb=d.closing_lb) for d in days]
    )  # fmt: skip
    LotBalance.objects.bulk_create(
        [LotBalance(lot=lot_of[(b.facility_id, b.item_id)], facility_id=b.facility_id, on_hand_lb=b.on_hand_lb)
         for b in balances]
    )  # fmt: skip
    Reservation.objects.bulk_create(
        [Reservation(facility=facs[f], delivery_facility=facs[f], item=items[i],
                     delivery_date=today + dt.timedelta(days=d), quantity_lb=lb, source_id=n + 1)
         for n, (f, i, d, lb) in enumerate(s["reservations"])]
    )  # fmt: skip


def silo_ready(slug: str, name: str, s: dict, horizon: int):
    from django.db import connection
    from django_tenants.utils import schema_context

    from inventory.models import Facility
    from silos.models import Silo
    from silos.services import silo_create

    silo = Silo.objects.filter(schema_name=slug).first() or silo_create(slug=slug, name=name)
    Silo.objects.filter(pk=silo.pk).update(atp_horizon_days=horizon)
    with schema_context(slug):
        if not Facility.objects.exists():
            populate(s)
    connection.set_schema_to_public()
    return Silo.objects.get(pk=silo.pk)


def token(slug: str) -> str:
    from django.contrib.auth import get_user_model
    from django_tenants.utils import schema_context

    from silos.members.services import token_create

    with schema_context(slug):
        return token_create(user=get_user_model().objects.get(username="admin"), name="bench-atp")[1]


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q / 100 * (len(values) - 1))))]


def http_bench(server, silo, s: dict, horizon: int, n: int) -> dict:
    import datetime as dt

    import requests

    from cashsheet.timezones import DEFAULT_TIMEZONE, local_date

    rng = random.Random(11)
    session = requests.Session()
    session.headers.update({"Host": silo.host, "Authorization": f"Bearer {token(silo.schema_name)}"})
    today = local_date(DEFAULT_TIMEZONE)  # "the past" and the horizon are the facilities' own dates
    n_fam = len(s["items"]) // FAMILY

    def body():
        fam = rng.randrange(n_fam)
        item = s["items"][fam * FAMILY + rng.randrange(FAMILY)]["code"]
        return {"facility_id": rng.choice(s["facilities"])["code"], "imps_code": item,
                "quantity_lb": rng.choice([200, 800, 2400, 6000, 15000]),
                "delivery_date": str(today + dt.timedelta(days=rng.randint(0, horizon)))}  # fmt: skip

    def post(b):
        started = time.perf_counter()
        r = session.post(f"{server.url}/api/v2/atp/check/", json=b, timeout=30)
        ms = (time.perf_counter() - started) * 1000
        assert r.status_code in (200, 503), r.text
        return ms, r

    cold = []
    # Warm-up: every family on both workers. The socket hands requests to whichever worker accepts first, so
    # repeat rounds over all families until three rounds in a row have no model build in them (or 30 rounds).
    quiet = 0
    for _ in range(30):
        round_ms = []
        for fam in range(n_fam):
            b = body()
            b["imps_code"] = s["items"][fam * FAMILY]["code"]
            round_ms.append(post(b)[0])
        cold.extend(round_ms)
        quiet = quiet + 1 if max(round_ms) < 100 else 0
        if quiet == 3:
            break
    # The floor on this machine at this moment: the same server answering an authenticated one-row list.
    floor = []
    for _ in range(100):
        started = time.perf_counter()
        session.get(f"{server.url}/api/v2/atp/checks/?page_size=1", timeout=30).raise_for_status()
        floor.append((time.perf_counter() - started) * 1000)
    total, solver, results, unavailable, from_table = [], [], {}, 0, 0
    for _ in range(n):
        ms, r = post(body())
        if r.status_code == 503:
            unavailable += 1
            continue
        data = r.json()
        total.append(ms)
        solver.append(data["solver_latency_ms"])
        results[data["result"]] = results.get(data["result"], 0) + 1
        from_table += data.get("answered_from") == "table"
    return {"p50": statistics.median(total), "p99": pct(total, 99), "max": max(total),
            "solver_p50": statistics.median(solver), "solver_p99": pct(solver, 99),
            "cold_max": max(cold), "floor_p50": statistics.median(floor),
            "table_share": from_table / max(1, len(total)), "n": len(total), "results": results,
            "unavailable": unavailable}  # fmt: skip


def demo_ready(slug: str, name: str):
    """A silo with the full demo seed (silos.services.demo_seed_steps: 3 facilities, one cutting family from the
    carcass down, lots with use-by dates, reservations), created once and reused."""
    from django.db import connection
    from django_tenants.utils import schema_context

    from silos.models import Plan, Silo
    from silos.services import demo_seed_steps, silo_create

    silo = Silo.objects.filter(schema_name=slug).first()
    if silo is None:
        silo = silo_create(slug=slug, name=name)
        with schema_context(slug):
            for _, _, seed in demo_seed_steps():
                seed(silo)
    # The benchmark measures the ATP, not the rate limiter.
    plan, _ = Plan.objects.get_or_create(
        name="bench-unlimited", defaults={"requests_per_minute": 10**8, "burst_per_second": 10**7}
    )
    Silo.objects.filter(pk=silo.pk).update(plan=plan)
    connection.set_schema_to_public()
    return Silo.objects.get(pk=silo.pk)


def demo_facilities_add(server, silo, total: int) -> None:
    """Create facilities through the API until `total` are active (issue 14's "facilities added" case: no stock,
    no lanes, no patterns at the new ones)."""
    import requests

    session = requests.Session()
    session.headers.update({"Host": silo.host, "Authorization": f"Bearer {token(silo.schema_name)}"})
    r = session.get(f"{server.url}/api/v2/facilities/?active=true&page_size=200", timeout=30)
    r.raise_for_status()
    have = r.json()["results"]
    for n in range(len(have), total):
        r = session.post(f"{server.url}/api/v2/facilities/", json={"code": f"XF{n:02d}", "name": f"Extra {n}"},
                         timeout=30)  # fmt: skip
        assert r.status_code in (201, 409), r.text


def demo_http_bench(server, silo, n: int, warmup: int = 50, seed: int = 11) -> dict:
    """Random checks on a demo-seeded silo: any active facility, any active item, 200-15,000 lb, any day of the
    horizon (the facility's own date), one check in five with a minimum shelf life. Counts 503s (time-outs)
    and models built inside the measured requests (the X-ATP-Model-Builds header)."""
    import datetime as dt

    import requests
    from django_tenants.utils import schema_context

    from cashsheet.timezones import local_date
    from inventory.models import Facility, Item

    with schema_context(silo.schema_name):
        facilities = list(Facility.objects.filter(active=True).values_list("code", "timezone"))
        items = list(Item.objects.filter(active=True).values_list("imps_code", flat=True))
    horizon = int(silo.atp_horizon_days)
    rng = random.Random(seed)
    session = requests.Session()
    session.headers.update({"Host": silo.host, "Authorization": f"Bearer {token(silo.schema_name)}"})

    def body():
        code, tz = rng.choice(facilities)
        b = {"facility_id": code, "imps_code": rng.choice(items),
             "quantity_lb": rng.choice([200, 800, 2400, 6000, 15000]),
             "delivery_date": str(local_date(tz) + dt.timedelta(days=rng.randint(0, horizon)))}  # fmt: skip
        if rng.random() < 0.2:
            b["min_shelf_life_days"] = rng.choice([3, 7, 14])
        return b

    total, solver, results, unavailable, from_table, builds, codes = [], [], {}, 0, 0, 0, {}
    for k in range(warmup + n):
        b = body()
        started = time.perf_counter()
        r = session.post(f"{server.url}/api/v2/atp/check/", json=b, timeout=60)
        ms = (time.perf_counter() - started) * 1000
        if k < warmup:
            continue
        codes[r.status_code] = codes.get(r.status_code, 0) + 1
        if r.status_code == 503:
            unavailable += 1
            continue
        assert r.status_code == 200, (b, r.text)
        data = r.json()
        total.append(ms)
        solver.append(data["solver_latency_ms"])
        results[data["result"]] = results.get(data["result"], 0) + 1
        from_table += data.get("answered_from") == "table"
        builds += int(r.headers.get("X-ATP-Model-Builds", "0"))
    return {"p50": statistics.median(total), "p99": pct(total, 99), "max": max(total), "n": len(total),
            "solver_p50": statistics.median(solver), "solver_p99": pct(solver, 99), "results": results,
            "table_share": from_table / max(1, len(total)), "unavailable": unavailable, "builds": builds,
            "codes": codes}  # fmt: skip


def engine_bench(n_fac: int, n_items: int, horizon: int, checks: int = 60, connected: bool = False) -> dict:
    """In process: the largest family's model build time and warm re-solve times (no DB, no HTTP)."""
    from atp.engine.model import AtpModel
    from atp.selectors import FacilityRow, ItemRow, LaneRow, Network, PatternRow, Position

    s = spec(n_fac, n_items, n_res=10 * n_items, connected=connected)
    network = Network(
        facilities=[FacilityRow(n, f["code"], f["can_break"], Decimal(f["capacity"]), Decimal(f["capacity"]))
                    for n, f in enumerate(s["facilities"])],
        items={n: ItemRow(n, i["code"], i["price"], i["category"]) for n, i in enumerate(s["items"])},
        lanes=[LaneRow(n, a, b, lead, cost) for n, (a, b, lead, cost) in enumerate(s["lanes"])],
        patterns=[PatternRow(n, p["code"], p["input"], p["cost"], tuple(p["outputs"]),
                             frozenset(n for n, f in enumerate(s["facilities"]) if f["can_break"]))
                  for n, p in enumerate(s["patterns"])],
    )  # fmt: skip
    from atp.engine.components import components

    comp = next(c for c in components(network) if 0 in c.items)
    family = set(comp.items)
    position = Position()
    for f, i, day, lb in s["stock"]:
        if i in family and day <= horizon:
            position.supply[(f, i, day)] = position.supply.get((f, i, day), 0.0) + lb
    for f, i, day, lb in s["reservations"]:
        if i in family and day <= horizon:
            position.demand[(f, i, day)] = position.demand.get((f, i, day), 0.0) + lb
    started = time.perf_counter()
    model = AtpModel(network, comp, horizon + 1)
    model.position_apply(position, ())
    model.baseline_ensure(10.0, table=True)
    build = (time.perf_counter() - started) * 1000
    rng = random.Random(3)
    times, lookups = [], []
    for _ in range(checks):
        args = (
            rng.randrange(len(family)),
            rng.randrange(n_fac),
            rng.randint(0, horizon),
            float(rng.choice([200, 2400, 15000])),
        )
        started = time.perf_counter()
        if model.lookup(*args) is not None:
            lookups.append((time.perf_counter() - started) * 1000)
            continue
        model.solve(*args, 10.0)
        times.append((time.perf_counter() - started) * 1000)
    return {"rows": model.n_rows, "cols": model.h.getNumCol(), "build_ms": build, "p50": statistics.median(times),
            "p99": pct(times, 99), "lookup_share": len(lookups) / checks,
            "lookup_p50": statistics.median(lookups) if lookups else float("nan")}  # fmt: skip


def start_server(cls):
    """gunicorn on a loaded machine: its health probe allows 1 s per try and gives up on a read time-out
    while the workers are still importing Django; let it wait longer (bench only)."""
    import requests

    original = requests.get

    def patient_get(url, *args, **kwargs):
        kwargs["timeout"] = 15
        return original(url, *args, **kwargs)

    requests.get = patient_get
    try:
        server = cls(workers=2)
        server.port = int(os.environ.get("BENCH_PORT", server.port))  # a shared machine: each engineer's own port
        return server.start(timeout=300)  # workers prepare the active silos' models before they answer
    finally:
        requests.get = original


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=600)
    parser.add_argument("--no-write", action="store_true")
    parser.add_argument("--scales", default="atpdemo,atpbench,atpdemoc", help="silos to measure, by slug")
    parser.add_argument("--no-growth", action="store_true", help="skip the in-process growth table")
    parser.add_argument("--demo", default="", help="demo-seeded silos to measure: demo (3 facilities), demo20 "
                        "(the same with facilities added through the API to 20 active)")  # fmt: skip
    args = parser.parse_args()
    import django

    django.setup()
    from django.core.management import call_command

    from cashsheet.testing.servers import Gunicorn

    call_command("migrate_schemas", shared=True, interactive=False, verbosity=0)
    scales = [
        ("atpdemo", "ATP demo scale", spec(3, 30, 60), 90, "demo: 3 facilities, 30 items, 90 days, 60 reserved lines"),
        ("atpbench", "ATP bench scale", spec(10, 100, 1000), 60,
         "bench: 10 facilities, 100 items, 60 days, 1,000 reserved lines"),
        ("atpdemoc", "ATP demo connected", spec(3, 30, 60, connected=True), 90,
         "demo, one family: 3 facilities, 31 items (a carcass breaks into the primals), 90 days, 60 lines"),
    ]  # fmt: skip
    wanted = set(args.scales.split(","))
    scales = [scale for scale in scales if scale[0] in wanted]
    silos = [(silo_ready(slug, name, s, horizon), s, horizon, label) for slug, name, s, horizon, label in scales]
    demos = [(slug, demo_ready(f"atp{slug}", f"ATP {slug}")) for slug in args.demo.split(",") if slug]
    server = start_server(Gunicorn)
    lines = []
    try:
        for slug, silo in demos:
            if slug == "demo20":
                demo_facilities_add(server, silo, 20)
            load = os.getloadavg()
            r = demo_http_bench(server, silo, args.requests)
            print(f"{slug}: load {load[0]:.1f} -> {os.getloadavg()[0]:.1f}", r, flush=True)
        for silo, s, horizon, label in silos:
            r = http_bench(server, silo, s, horizon, args.requests)
            print(label, r, flush=True)
            lines.append(
                f"| {label} | {r['n']} | {r['p50']:.1f} | {r['p99']:.1f} | {r['solver_p50']:.1f} | "
                f"{r['solver_p99']:.1f} | {r['table_share']:.0%} | {r['cold_max']:.0f} | {r['floor_p50']:.1f} | "
                f"{r['results']} | "
                f"{r['unavailable']} |"
            )
    finally:
        server.stop()
    growth = []
    for n_fac, n_items, horizon, connected in [] if args.no_growth else [
        (3, 30, 14, False), (3, 30, 60, False), (3, 30, 90, False), (10, 100, 14, False), (10, 100, 30, False),
        (10, 100, 60, False), (10, 100, 90, False), (20, 100, 60, False), (10, 500, 60, False),
        (3, 30, 90, True), (10, 100, 14, True),
    ]:  # fmt: skip
        e = engine_bench(n_fac, n_items, horizon, connected=connected)
        print("engine", n_fac, n_items, horizon, connected, e, flush=True)
        growth.append(
            f"| {n_fac} | {n_items}{' (one family)' if connected else ''} | {horizon} | "
            f"{e['rows']} x {e['cols']} | {e['build_ms']:.0f} | "
            f"{e['p50']:.1f} | {e['p99']:.1f} | {e['lookup_share']:.0%} | {e['lookup_p50']:.2f} |"
        )
    section = "\n".join(
        [
            "Command (PostgreSQL and Redis of this machine, 2 gunicorn sync workers, one sequential client):",
            "",
            "    DATABASE_URL=postgres://postgres@127.0.0.1:5432/cs_atp REDIS_URL=redis://127.0.0.1:6379/3 \\",
            f"      .venv/bin/python bench/atp.py --requests {args.requests}",
            "",
            f"Measured {time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}. Targets: p50 <= 15 ms, p99 <= 50 ms over "
            "HTTP. `solver` is the response's `solver_latency_ms` (the HiGHS solves or the table lookup alone); "
            "`from table` is the share answered by tier 1; `cold` is the worst "
            "first request of an item family in a worker (it builds that family's model); `floor` is the same "
            "server answering `GET /api/v2/atp/checks/?page_size=1` (auth, one query, JSON) at the same time.",
            "",
            "| scale | requests | HTTP p50 ms | HTTP p99 ms | solver p50 ms | solver p99 ms | from table | cold max ms "
            "| floor p50 ms | results | 503s |",
            "|---|---|---|---|---|---|---|---|---|---|---|",
            *lines,
            "",
            "Growth, in process (no HTTP, no DB): the model of one item family (5 items; or the whole silo when a "
            "carcass links every family) over every facility; build "
            "includes the first (cold) solve and the price table (ranging); a check is a table lookup when inside its "
            "row's range, else a warm re-solve with its sources.",
            "",
            "| facilities | items in silo | horizon days | rows x columns | build ms | re-solve p50 ms "
            "| re-solve p99 ms | from table | lookup p50 ms |",
            "|---|---|---|---|---|---|---|---|---|",
            *growth,
            "",
        ]
    )
    print(section)
    if not args.no_write:
        path = BASE / "BENCHMARKS.md"
        text = path.read_text()
        head, rest = text.split("## ATP check latency\n", 1)
        _, tail = rest.split("\n## ", 1)
        path.write_text(f"{head}## ATP check latency\n\n{section}\n## {tail}")


if __name__ == "__main__":
    main()
