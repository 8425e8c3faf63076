"""The only part of kpi/ that knows Streamlit and Plotly: shared state, sidebar, figures."""

import plotly.io as _pio

# the house template of every figure, as Plotly's default: naming it in update_layout would copy
# and validate the whole template again for each figure (~15 ms each, on every run of a page)
_pio.templates.default = "plotly_white"
# figures are written to JSON on every run: the standard library's encoder takes half the time
# of Plotly's orjson path (which first walks the whole figure in Python) for the same JSON,
# ~12 against ~25 ms for the map with its outlines
_pio.json.config.default_engine = "json"
