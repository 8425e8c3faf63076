"""kpi.ui.plot hands Streamlit a figure's dict as it is: the chart sent is the one
st.plotly_chart would send for the Figure, without Plotly's copy and validation every run."""

from __future__ import annotations

import json

import plotly.graph_objects as go
import plotly.io as pio
import plotly.tools
from streamlit.testing.v1 import AppTest

import kpi.ui  # noqa: F401  (sets the house template)
from kpi.ui import plot
from kpi.ui.charts import trend_series


def test_the_house_template_is_plotly_white_without_naming_it() -> None:
    import pandas as pd

    months = pd.to_datetime(["2025-01-01", "2025-02-01"])
    series = pd.DataFrame({"periode": months, "nilai": [1, 2]})
    fig = trend_series(series, "Kunjungan", "id")
    assert pio.templates.default == "plotly_white"
    assert fig.to_dict()["layout"]["template"] == pio.templates["plotly_white"].to_plotly_json()


def test_spec_figure_is_returned_unchanged_by_plotlys_conversion() -> None:
    fig = go.Figure(go.Bar(x=["a", "b"], y=[1, 2]))
    spec = fig.to_dict()
    wrapped = plot._Spec(spec)
    assert isinstance(wrapped, go.Figure)
    # what st.plotly_chart does with a Figure: the very dict, no copy, no validation
    assert plotly.tools.return_figure_from_figure_or_data(wrapped, True) is spec
    assert plot.spec(spec) is spec
    assert plot.spec(fig) == spec


SCRIPT = """
import plotly.graph_objects as go
import streamlit as st
from kpi.ui import plot

fig = go.Figure(go.Scatter(x=[1, 2, 3], y=[3, 1, 2], name="s"))
fig.update_layout(height=300, separators=",.")
st.plotly_chart(fig, key="plain")
plot.chart(fig, key="fast")
plot.chart(fig.to_dict(), st.columns(2)[1], key="from_dict")
"""


def test_chart_sends_the_same_spec_as_st_plotly_chart() -> None:
    at = AppTest.from_string(SCRIPT, default_timeout=30).run()
    assert not at.exception
    charts = at.get("plotly_chart")
    assert len(charts) == 3
    specs = [json.loads(c.proto.spec) for c in charts]
    assert specs[0] == specs[1] == specs[2]
    assert specs[0]["data"][0]["y"] == [3, 1, 2]
    assert specs[0]["layout"]["template"]["layout"]["plot_bgcolor"] == "white"


def test_figures_are_written_with_the_standard_json_encoder() -> None:
    assert pio.json.config.default_engine == "json"


def test_shared_outlines_are_not_copied_by_plotly_and_still_drawn() -> None:
    """The province outlines are shared by the figures (Plotly's deep copies return them as
    they are) and reach the figure's JSON whole."""
    import pandas as pd

    from kpi.ui import maps

    frame = pd.DataFrame({"kode": ["11", "73"], "nama": ["Aceh", "Sulawesi Selatan"]})
    frame["nilai"] = [10.0, 20.0]
    fig = maps.province_choropleth(frame, "Skor", "id")
    first = fig.data[0].geojson
    assert {f["properties"]["kode"] for f in first["features"]} == {"11", "73"}
    assert fig.to_dict()["data"][0]["geojson"] is first
    outlines = json.loads(pio.to_json(fig.to_dict(), validate=False))["data"][0]["geojson"]
    assert outlines["type"] == "FeatureCollection"
    assert len(outlines["features"]) == 2
    assert outlines["features"][0]["geometry"]["coordinates"]
