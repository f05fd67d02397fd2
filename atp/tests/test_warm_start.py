"""Warm starts: a stored basis spares a new process the cold solve, and a freshly started gunicorn answers its
first check without building a model in the request (atp.engine.basis, atp.engine.warmup, gunicorn.conf.py)."""

from decimal import Decimal

import pytest
import requests

from atp import selectors, services
from atp.engine import cache
from atp.engine.model import AtpModel, SolverFailure


@pytest.fixture
def cut_network(net):
    """Primal P ($5.00/lb, 100,000 lb at A, 2,000 lb of it expiring on day 4) cut at A (1,000 lb/day) into X (40%,
    $8.00) and trim T (50%, $3.00) at $0.30/lb; 300 lb of X owed at A on day 6. One lb of X cut costs
    (5.00 + 0.30 - 0.5 * 3.00) / 0.4 = 9.50. The expiring 2,000 lb are cut for stock anyway (salvage 2.50 + 0.30 <
    4.70 of outputs): 800 lb of X at list (8.00), 300 of them owed on day 6, so a request beyond 500 lb prices at
    the next cut, 9.50."""
    a = net.facility(capacity="1000")
    p = net.item(price="5.00", category="primal")
    x = net.item(price="8.00")
    t = net.item(price="3.00", category="trim")
    net.pattern(p, {x: "0.40", t: "0.50"}, cost="0.30", facilities=[a])
    net.stock(a, p, 98000)
    net.stock(a, p, 2000, use_by=net.day(4))
    net.reserve(a, x, 300, day=6)
    return {"net": net, "a": a, "p": p, "x": x}


def _model(item, facility) -> AtpModel:
    with cache.session() as session:
        return session.model(item.id, facility.id, table=False)


def _cold_objective(model: AtpModel) -> float:
    """The same LP solved from scratch (no key: nothing stored or restored)."""
    cold = AtpModel(model.network, model.component, model.T)
    cold.position_apply(_position(model), (), model.offsets)
    cold.baseline_ensure(60.0)
    assert not cold.basis_restored
    return cold.h.getInfo().objective_function_value


def _position(model: AtpModel):
    from atp.engine.cache import clock

    today, _, _ = clock(model.network)
    return selectors.position_load(item_ids=set(model.component.items), today=today, days=model.T)


def test_a_new_process_starts_from_the_stored_basis(cut_network):
    a, x = cut_network["a"], cut_network["x"]
    cache.clear()
    first = _model(x, a)
    assert not first.basis_restored and first.h.getInfo().simplex_iteration_count > 0
    objective = first.h.getInfo().objective_function_value
    cache.clear()  # what a new worker process has: no models, only the cache
    second = _model(x, a)
    assert second.basis_restored
    assert second.h.getInfo().simplex_iteration_count == 0  # the stored basis is optimal: no pivot
    assert second.h.getInfo().objective_function_value == pytest.approx(objective, abs=1e-6)
    net = cut_network["net"]
    answer = services.atp_check(facility=a, item=x, quantity_lb=Decimal("1000"), delivery_date=net.day(5))
    assert (answer.result, answer.marginal_price_per_lb) == ("feasible", Decimal("9.5000"))


def test_a_basis_from_another_position_still_reaches_the_cold_optimum(cut_network):
    net, a, x = cut_network["net"], cut_network["a"], cut_network["x"]
    cache.clear()
    _model(x, a)  # stores its basis
    # The position moves (a new commitment on another day: a shortfall column the stored basis never saw) but the
    # structure does not, so the next process restores the old basis (matched by position and name) and re-solves.
    net.reserve(a, x, 1200, day=2, source_id=2)
    cache.clear()
    moved = _model(x, a)
    assert moved.basis_restored
    assert moved.h.getInfo().objective_function_value == pytest.approx(_cold_objective(moved), rel=1e-9, abs=1e-6)
    # Days 0-5 cut at most 6,000 lb -> 2,400 lb of X by day 5, 1,200 of it owed on day 2 (day 6's 300 lb come
    # from day 6's cut): 1,200 lb available on day 5, the last of it from a cut (9.50).
    answer = services.atp_check(facility=a, item=x, quantity_lb=Decimal("1000"), delivery_date=net.day(5))
    assert (answer.result, answer.marginal_price_per_lb) == ("feasible", Decimal("9.5000"))
    over = services.atp_check(facility=a, item=x, quantity_lb=Decimal("1300"), delivery_date=net.day(5))
    assert (over.result, over.available_lb) == ("partial", Decimal("1200.00"))


def test_a_solve_that_stops_early_leaves_the_model_warm_for_the_next(cut_network):
    a, x = cut_network["a"], cut_network["x"]
    cache.clear()
    model = _model(x, a)
    # 1,500 lb of X on day 5 means cutting 3,750 lb more (a plan some pivots from the baseline's); stop the solve
    # after one pivot (an iteration limit: a time-out without the timing), leaving a half-done basis.
    model.h.setOptionValue("simplex_iteration_limit", 1)
    try:
        with pytest.raises(SolverFailure):
            model.solve(x.id, a.id, 5, 1500.0, 60.0)
    finally:
        model.h.setOptionValue("simplex_iteration_limit", 2**31 - 1)
    # The request object is back on the baseline's optimal basis: re-solving the LP without a request takes no
    # pivot (a half-done basis would need them, and the next request would start from it and time out in turn).
    model.h.run()
    assert model.h.getInfo().simplex_iteration_count == 0
    answer = model.solve(x.id, a.id, 5, 1500.0, 60.0)
    # Days 0-5 cut 6,000 lb -> 2,400 lb of X, 300 of it owed on day 6 but cut on day 6: 1,500 lb in full, the
    # last of it from a cut (9.50).
    assert answer.served == pytest.approx(1500.0) and answer.marginal == pytest.approx(9.5)


def _server():
    from cashsheet.testing.servers import Gunicorn, child_env

    # Room to prepare every model of the session's `live` silo, however many earlier tests left in it.
    server = Gunicorn(workers=1, env=child_env(CASHSHEET_ATP_PREPARE_START_S="150"))
    original = requests.get

    def patient_get(url, *args, **kwargs):
        kwargs["timeout"] = 15  # the probe waits while the worker imports Django and prepares models
        return original(url, *args, **kwargs)

    requests.get = patient_get
    try:
        return server.start(timeout=180)
    except Exception:
        server.stop()
        raise
    finally:
        requests.get = original


@pytest.mark.live
def test_a_freshly_started_server_answers_its_first_check_without_building_a_model(
    live_net, live_silo, live_admin_token, django_db_blocker
):
    plant = live_net.facility(capacity="1000")
    p = live_net.item(price="5.00", category="primal")
    x = live_net.item(price="8.00")
    t = live_net.item(price="3.00", category="trim")
    live_net.pattern(p, {x: "0.40", t: "0.50"}, cost="0.30", facilities=[plant])
    live_net.stock(plant, p, 100000)
    body = {"facility_id": plant.code, "imps_code": x.imps_code, "quantity_lb": 1000,
            "delivery_date": str(live_net.day(3))}  # fmt: skip
    headers = {"Host": live_silo.host, "Authorization": f"Bearer {live_admin_token}"}
    with django_db_blocker.unblock():
        first = _server()
    try:
        # This server may or may not have built the model in the request (it depends on what earlier tests left
        # in Redis); its answer marks the silo as an ATP user, and its worker stores the model's basis.
        r = requests.post(f"{first.url}/api/v2/atp/check/", json=body, headers=headers, timeout=60)
        assert r.status_code == 200, r.text
        assert "X-ATP-Model-Builds" in r.headers
    finally:
        first.stop()
    with django_db_blocker.unblock():
        fresh = _server()
    try:
        r = requests.post(f"{fresh.url}/api/v2/atp/check/", json=body, headers=headers, timeout=60)
        assert r.status_code == 200, r.text
        # The worker prepared the silo's models before accepting the connection: nothing built in this request.
        assert (r.headers["X-ATP-Model-Builds"], r.headers["X-ATP-Worker-Request-Builds"]) == ("0", "0")
        data = r.json()
        # Days 0-3 cut at most 4,000 lb (fabrication: no lead time) -> 1,600 lb of X; 1,000 lb are served at the
        # cut's cost, (5.00 + 0.30 - 0.5 * 3.00) / 0.4 = 9.50.
        assert (data["result"], data["available_lb"], data["marginal_price_per_lb"]) == ("feasible", 1000, 9.5)
    finally:
        fresh.stop()
