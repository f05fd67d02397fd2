from cashsheet.ui.nav import NavItem, nav_register

nav_register(NavItem("Sales", "ATP quote", "ui-atp-quote", "atp.run_atpcheck", order=30))
nav_register(
    NavItem("Operations", "LP runs", "ui-lp-runs", "atp.view_lprun", order=30,
            also_current=("ui-lp-runs-detail", "ui-lp-runs-start")),
)  # fmt: skip
