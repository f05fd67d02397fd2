"""ATP's answer and LP-run payloads are what the schema's serializers describe, byte for byte."""

from dataclasses import asdict
from decimal import Decimal

from rest_framework.renderers import JSONRenderer

from atp import services
from atp.api.serializers import AtpCheckResponseSerializer, LpRunSerializer
from atp.models import LpRun
from atp.payloads import atp_check_payload, lp_run_payload
from cashsheet.testing.api import assert_renders_as_serializer


def test_check_answer_is_the_response_serializer_shape(net):
    plant, other = net.facility(code="BLYTHE"), net.facility(code="OMAHA")
    rib, ribeye = net.item(price="9.00", category="primal"), net.item(price="14.20", code="112A")
    net.lane(other, plant, lead=1, cost="0.05")
    net.pattern(rib, {ribeye: "0.5"}, cost="0.10", facilities=[plant])
    net.stock(plant, rib, 1000)
    net.stock(other, ribeye, 300)
    result = services.atp_check(facility=plant, item=ribeye, quantity_lb=Decimal("2400"), delivery_date=net.day(3))
    assert result.result == "partial" and result.sources and result.alternatives is not None
    expected = JSONRenderer().render(AtpCheckResponseSerializer(asdict(result)).data)
    assert JSONRenderer().render(atp_check_payload(result)) == expected


def test_lp_run_payload_is_the_serializer_shape(silo):
    run = LpRun.objects.create(horizon_days=30, status="succeeded", objective=Decimal("-812.5"), duration_ms=40)
    run.refresh_from_db()
    assert_renders_as_serializer(LpRunSerializer, run, lp_run_payload(run))
