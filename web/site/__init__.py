"""The site itself: the home page, the language switch, health, icons and photos."""

from __future__ import annotations

from web.site import home, icons, media

routes = [*home.routes, *icons.routes, *media.routes]

# Pages every anonymous visitor sees alike (web/core/page_cache.py).
SHAREABLE = {"home": None}
