"""The silo UI's shell: base layout, navigation, sign-in/out, dashboard, and the helpers every screen uses.

Server-rendered Django templates with htmx (vendored in static/ui/, no CDN, no build step). Like
cashsheet/api/, this package is plumbing: it imports no domain app. A domain's screens live in `<app>/ui/`
(views.py, urls.py, nav.py, templates/<app>/...), call that app's services and selectors (never its api/),
and are included by cashsheet/urls_tenant.py. The pattern is in docs/DEVELOPING.md ("The silo UI").
"""
