"""The web app: server-rendered pages over the same library functions as the CLI.

app.py        the Starlette application (routes behind the guard, static, errors)
routes.py     the route table: every route and the permission it needs
context.py    the guard: session, CSRF, permission; per-object checks (404)
roles.py      roles and permissions as data (pure)
accounts.py   grants, passwords (argon2id), TOTP, for registered people
sessions.py   server-side sessions (idle 15 min, absolute 12 h)
ratelimit.py  login attempts per account and per address, in the database
reveal.py     one image revealed to one session for two minutes, as an event
preview.py    the blurred greyscale preview and the revealed copy (pixels only)
headers.py    CSP and the other security headers on every response
i18n.py       Arabic and English catalogues, one Jinja environment per language
"""
