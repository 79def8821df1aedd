"""Staff consoles in the browser: sign-in, the shared layout, CSRF, role menus, live tickets.

Each console's pages live in their own area (guides/console.py, kb/console.py, cases/console.py,
feedback/console.py, dashboard/console.py) with templates beside them; they are built with
``web.pages.console_blueprint`` so every one of them gets the same sign-in, CSRF and role checks.
"""
