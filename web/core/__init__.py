"""The web layer's core: the app factory, middleware, CSRF, errors, templating, htmx, i18n,
settings, forms and the page cache. Capability packages (web/<capability>/) build on it."""
