"""The only part of kpi/ that knows Streamlit and Plotly: shared state, sidebar, figures."""

import plotly.io as _pio

# the house template of every figure, as Plotly's default: naming it in update_layout would copy
# and validate the whole template again for each figure (~15 ms each, on every run of a page)
_pio.templates.default = "plotly_white"
