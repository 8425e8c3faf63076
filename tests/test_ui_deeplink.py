"""The page Streamlit serves for a page's URL names the backend (kpi.ui.deeplink)."""

from __future__ import annotations

from kpi.ui import deeplink


def test_the_fallback_page_names_the_backend_once() -> None:
    html = "<!DOCTYPE html><html><head><title>x</title><script src='a.js'></script></head></html>"
    out = deeplink.patched_html(html, "/")
    # before any script of the page, and only once
    assert out.index("BACKEND_BASE_URL") < out.index("a.js")
    assert 'new URL("/", window.location.origin)' in out
    assert deeplink.patched_html(out, "/") == out
    assert 'new URL("/tpbis/", window.location.origin)' in deeplink.patched_html(html, "/tpbis/")


def test_without_a_server_nothing_is_patched() -> None:
    deeplink._state["done"] = False
    assert deeplink.install() is False  # no Streamlit static handler in this process
    assert deeplink.install() is True  # once per process
