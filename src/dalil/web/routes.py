"""The route table: every route with the methods it answers and what it needs.

Nothing is reachable without a row here, and each row names its permission, so what a
role may reach is read off one table (and the authorization test is generated from it).
"""

from __future__ import annotations

from dataclasses import dataclass

from dalil.web import admin, auth, pages
from dalil.web.context import Need, Open, View
from dalil.web.roles import Permission


@dataclass(frozen=True)
class Page:
    path: str
    view: View
    methods: tuple[str, ...]
    need: Need


ROUTES: tuple[Page, ...] = (
    Page("/login", auth.login_page, ("GET", "POST"), Open.PUBLIC),
    Page("/login/code", auth.code_page, ("GET", "POST"), Open.CODE),
    Page("/logout", auth.logout, ("POST",), Open.SIGNED_IN),
    Page("/language", auth.language, ("POST",), Open.PUBLIC),
    Page("/", pages.dashboard, ("GET",), Permission.DASHBOARD),
    Page("/collections/{name}", pages.collection, ("GET",), Permission.ITEM),
    Page("/items/{sha256}", pages.item, ("GET",), Permission.ITEM),
    Page("/items/{sha256}/preview", pages.item_preview, ("GET",), Permission.ITEM),
    Page("/items/{sha256}/reveal", pages.item_reveal, ("POST",), Permission.REVEAL),
    Page("/items/{sha256}/image", pages.item_image, ("GET",), Permission.REVEAL),
    Page("/admin/people", admin.people_page, ("GET",), Permission.ACCOUNTS),
    Page("/admin/people/{person}/sessions/end", admin.end_sessions, ("POST",), Permission.ACCOUNTS),
)
