"""Deep links (http://host/prioritas?...) without the browser logging 404s.

Streamlit's frontend cannot tell whether "/prioritas" is the page "prioritas" of an app at "/"
or the main page of an app served at "/prioritas", so it tries both: its first health and
host-config checks go to /prioritas/_stcore/health and /prioritas/_stcore/host-config, which
answer 404 (logged in the console), before the second, at the root, succeeds (streamlit/
streamlit#7074, open). The frontend skips the guessing when ``window.__streamlit`` names the
backend (BACKEND_BASE_URL), so the page Streamlit serves for a page's URL (its index.html, the
fallback for any path that is not a file) gets that one line, with the server's base path.

Streamlit has no setting for it; the static files handler keeps the path of that fallback page
in an attribute (``_index_path``), which ``install()`` points at a copy with the line, once per
server process, on the first run of app.py. So the very first page a fresh server sends, before
any session ran, is Streamlit's own (the two 404s once); every later one is clean. When a
Streamlit upgrade moves that attribute, nothing is changed (the 404s come back, harmless).
"""

from __future__ import annotations

import gc
import hashlib
import json
import logging
import tempfile
from pathlib import Path

from streamlit import config

_HANDLER = "_StreamlitStaticFiles"
_MARK = "<!-- tpbis: backend base url -->"
_state = {"done": False}


def base_path() -> str:
    """The app's path on its server: "/" or "/<server.baseUrlPath>/"."""
    base = str(config.get_option("server.baseUrlPath") or "").strip("/")
    return f"/{base}/" if base else "/"


def patched_html(html: str, base: str) -> str:
    """Streamlit's index.html with the backend's address set before its scripts run."""
    if _MARK in html:
        return html
    line = (
        f"{_MARK}<script>window.__streamlit = Object.assign({{}}, window.__streamlit, "
        f"{{BACKEND_BASE_URL: new URL({json.dumps(base)}, window.location.origin).href}});"
        "</script>"
    )
    head = html.find("<head>")
    if head < 0:
        return line + html
    at = head + len("<head>")
    return html[:at] + "\n    " + line + html[at:]


def install() -> bool:
    """Point the running server's fallback page at the patched copy (once per process)."""
    if _state["done"]:
        return True
    _state["done"] = True
    try:
        handlers = [o for o in gc.get_objects() if type(o).__name__ == _HANDLER]
        handlers = [h for h in handlers if isinstance(getattr(h, "_index_path", None), str)]
        if not handlers:
            return False  # no server here (AppTest, bare mode) or another Streamlit
        source = Path(handlers[0]._index_path)
        html = patched_html(source.read_text(encoding="utf-8"), base_path())
        digest = hashlib.sha256(html.encode()).hexdigest()[:12]
        out = Path(tempfile.gettempdir()) / f"tpbis-index-{digest}.html"
        if not out.exists():
            out.write_text(html, encoding="utf-8")
        for h in handlers:
            h._index_path = str(out)
        return True
    except Exception:  # never in the way of the app: the 404s are harmless
        logging.getLogger("tpbis").warning("deep-link page not patched", exc_info=True)
        return False
