"""The only part of kpi/ that knows Streamlit and Plotly: shared state, sidebar, figures."""
