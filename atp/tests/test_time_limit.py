"""The time-limit floor for batch callers: the demo seed's confirmations may solve longer than a phone check,
and the floor ends with its block (a request after it gets the silo's limit again)."""

from atp.services import atp_time_limit_floor
from atp.services.common import time_limit_s
from cashsheet.api.tenancy import current_silo


def test_a_batch_floor_lengthens_the_limit_only_inside_its_block(silo):
    own = int(current_silo().atp_time_limit_ms) / 1000.0
    assert time_limit_s() == own
    with atp_time_limit_floor(30.0):
        assert time_limit_s() == 30.0
        with atp_time_limit_floor(own / 2):  # a floor below the silo's limit changes nothing
            assert time_limit_s() == own
        assert time_limit_s() == 30.0
    assert time_limit_s() == own
