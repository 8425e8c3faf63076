"""The one way to show text that came from a file, a URL or the store: as literal text.

Streamlit renders Markdown (and some HTML) in titles, headers, captions, markdown, alerts, toasts,
widget labels, radio options, page links, metric labels and help, and ``st.table`` cells; Plotly
renders a subset of HTML (``<a href>``, ``<b>``, ``<br>``, ``<span style>``) in every text,
hover, axis tick and legend. A library named ``![p](http://host/x.png)``, ``[Login](http://host)``,
``<a href=...>`` or ``=HYPERLINK(...)`` must show as those characters, never as an image, a link
or bold text. So every name, file name, sheet, header, value and free text is passed through

- ``md(value)`` before it goes into any Markdown-rendering Streamlit element (the templates of
  data/i18n keep their own Markdown; only the values are escaped), and
- ``html(value)`` before it goes into a Plotly figure's text, hover text, custom data shown in a
  hover template, or category axis.

Text in ``st.dataframe``, ``st.data_editor``, selectbox and multiselect options is drawn as plain
text by Streamlit, and needs neither.
"""

from __future__ import annotations

import html as _html
import re
from collections.abc import Iterable
from typing import Any

import pandas as pd

# Characters that open Markdown syntax anywhere in a line (CommonMark: a backslash before any
# ASCII punctuation shows it as itself), and Streamlit's own (":" for :red[...], :material/...:
# and emoji shortcodes, "$" for LaTeX).
_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~:$&])")
# ...and those that only mean something at the start of a line (lists, headings, quotes).
_MD_LINE_START = re.compile(r"^(\s*)([-+=>]|\d+[.)])")
# GFM turns bare addresses into links even when their punctuation is escaped: a word joiner
# (U+2060, invisible) after the scheme's colon, after "www" and after "@" keeps them text.
_WJ = "\u2060"
_AUTOLINK = re.compile(r"(?i)(www)(?=\\?\.)|(@)")
_SPACE = re.compile(r"\s+")


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value != value:
        return ""
    return str(value)


def md(value: Any) -> str:
    """``value`` as Markdown source that Streamlit shows as exactly those characters.

    Whitespace runs (newlines, tabs) become one space, as the page would show them anyway, so a
    value cannot start a new block (a heading, a list, a table) of its own.
    """
    text = _SPACE.sub(" ", _text(value)).strip()
    text = _MD_SPECIAL.sub(r"\\\1", text)
    text = _MD_LINE_START.sub(lambda m: m.group(1) + m.group(2)[:-1] + "\\" + m.group(2)[-1], text)
    text = text.replace("\\:", "\\:" + _WJ)
    return _AUTOLINK.sub(lambda m: (m.group(1) or m.group(2)) + _WJ, text)


def md_values(values: dict[str, Any]) -> dict[str, str]:
    """Every value of a template's fields through ``md`` (for i18n.t(key, lang, **values))."""
    return {k: md(v) for k, v in values.items()}


def md_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """A frame for ``st.table`` (which renders Markdown in its cells and headers)."""
    out = frame.copy()
    out.columns = [md(c) for c in out.columns]
    for col in out.columns:
        if out[col].dtype == object or pd.api.types.is_string_dtype(out[col]):
            out[col] = [md(v) if isinstance(v, str) else v for v in out[col]]
    return out


def html(value: Any) -> str:
    """``value`` as Plotly text: &, < and > as entities, which Plotly shows as the characters
    and never reads as a tag (it decodes entities only in the text between tags)."""
    return _html.escape(_text(value), quote=False)


def html_list(values: Iterable[Any]) -> list[str]:
    return [html(v) for v in values]


def unescape_md(source: str) -> str:
    """What Streamlit shows for Markdown source written by ``md`` (for tests and checks)."""
    return re.sub(r"\\(.)", r"\1", source).replace(_WJ, "")
