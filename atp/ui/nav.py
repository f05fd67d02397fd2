from cashsheet.ui.nav import NavItem, nav_register

nav_register(NavItem("Sales", "ATP quote", "ui-atp-quote", "atp.run_atpcheck", order=30))
