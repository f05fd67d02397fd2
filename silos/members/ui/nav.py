from cashsheet.ui.nav import NavItem, nav_register

nav_register(NavItem("Profile", "API Tokens", "ui-tokens", order=10))
