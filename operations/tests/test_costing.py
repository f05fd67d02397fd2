"""Joint-product costing: relative sales value, by-products at list first, exact to the cent."""

from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from operations.costing import JointOutput, joint_cost_split

D = Decimal


def test_relative_sales_value_with_by_products_credited_first():
    # 1,000 lb of rib at $5.58 plus $0.35/lb processing = $5,930.00 of joint cost.
    outputs = [
        JointOutput(D("480"), D("11.60")),  # 112A: sales value 5,568
        JointOutput(D("120"), D("3.80")),  # back ribs: 456
        JointOutput(D("150"), D("0.32"), by_product=True),  # fat: credited 48.00
        JointOutput(D("120"), D("0.12"), by_product=True),  # bones: credited 14.40
    ]
    values = joint_cost_split(joint_cost=D("5930.00"), outputs=outputs)
    assert values[2:] == [D("48.00"), D("14.40")]
    rest = D("5930.00") - D("62.40")
    assert values[0] == (rest * 5568 / 6024).quantize(D("0.01")) and sum(values) == D("5930.00")
    # The ribeye carries more cost per lb than the back ribs, in the ratio of their list prices.
    assert float((values[0] / 480) / (values[1] / 120)) == pytest.approx(11.60 / 3.80, rel=1e-4)


def test_by_products_worth_more_than_the_cost_share_it_and_mains_carry_nothing():
    values = joint_cost_split(
        joint_cost=D("10.00"),
        outputs=[JointOutput(D("10"), D("5")), JointOutput(D("100"), D("0.30"), by_product=True)],
    )
    assert values == [D("0.00"), D("10.00")]


def test_zero_lb_outputs_and_zero_cost():
    assert joint_cost_split(joint_cost=D("0"), outputs=[JointOutput(D("5"), D("1"))]) == [D("0.00")]
    values = joint_cost_split(joint_cost=D("9.99"), outputs=[JointOutput(D("0"), D("9")), JointOutput(D("3"), D("0"))])
    assert values == [D("0.00"), D("9.99")]  # no list price: the main product takes the cost by weight
    with pytest.raises(ValueError):
        joint_cost_split(joint_cost=D("1.00"), outputs=[JointOutput(D("0"), D("1"))])


@given(
    cost=st.integers(0, 10**9).map(lambda c: D(c) / 100),
    outputs=st.lists(
        st.tuples(st.integers(0, 10**6), st.integers(0, 5000), st.booleans()), min_size=1, max_size=12
    ).filter(lambda rows: any(lb for lb, _, _ in rows)),
)
def test_shares_always_sum_to_the_joint_cost_and_are_never_negative(cost, outputs):
    rows = [JointOutput(D(lb) / 100, D(price) / 1000, by_product) for lb, price, by_product in outputs]
    values = joint_cost_split(joint_cost=cost, outputs=rows)
    assert sum(values) == cost and all(v >= 0 for v in values)
    assert all(v == 0 for v, row in zip(values, rows, strict=True) if row.lb == 0)
