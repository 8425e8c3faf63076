"""The scope in the filters object (access.md): every engine read over the register carries the
reader's view areas, deny by default."""

from __future__ import annotations

import access_fixtures as ax
import ingest_fixtures as fx

from kpi import compute, score
from kpi.ingest import commit, plan_import
from kpi.scope import Filters, ask
from kpi.store import Store

# the register of access_fixtures: P-001 and P-002 in Kab. Bogor (32.01), P-101 in Kab. Sukabumi
# (32.02), P-201 in Kab. Cilacap (33.01); one month of visits each
VISITS = {"P-001": 100, "P-002": 20, "P-101": 3, "P-201": 4000}


def _seed(store: Store) -> None:
    ax.seed(store)
    rows = [(k, "2025-08", v) for k, v in VISITS.items()]
    plan = plan_import(store, [("laporan.xlsx", fx.workbook({"L": fx.monthly_rows(rows)}))])
    assert plan.rejected == 0, plan.issues.to_dict("records")
    commit(store, plan)


def _visits(store: Store, filters: Filters) -> float:
    frame = compute.aggregate(ask(store, "nasional", "2025-08", filters, ["kunjungan"]))
    value = frame["kunjungan"].iloc[0] if len(frame) else 0
    return 0.0 if value != value else float(value)  # NaN: nothing in scope


def test_the_scope_limits_every_aggregate(tmp_store: Store) -> None:
    _seed(tmp_store)
    assert _visits(tmp_store, Filters()) == 4123  # no scope: everything
    assert _visits(tmp_store, Filters(wilayah=("3201",))) == 120  # 100 + 20
    assert _visits(tmp_store, Filters(wilayah=("32",))) == 123  # the whole province
    assert _visits(tmp_store, Filters(wilayah=("3202", "33"))) == 4003
    # a filter outside the scope finds nothing: the two intersect
    assert _visits(tmp_store, Filters(provinsi="33", wilayah=("32",))) == 0


def test_an_empty_scope_reads_nothing(tmp_store: Store) -> None:
    _seed(tmp_store)
    assert _visits(tmp_store, Filters(wilayah=())) == 0
    # codes of another length (a kecamatan) widen nothing either
    assert _visits(tmp_store, Filters(wilayah=("320101",))) == 0
    params: dict = {}
    assert "FALSE" in Filters(wilayah=()).sql(params)


def test_the_scope_survives_dropping_the_geography() -> None:
    f = Filters(provinsi="32", kabupaten_kota="3201", wilayah=("3201", "32"))
    assert f.without_geography().wilayah == ("32", "3201")
    assert f.without_geography().provinsi is None


def test_scope_in_library_lists(tmp_store: Store) -> None:
    _seed(tmp_store)
    kpis = score.kpi_table(ask(tmp_store, "perpustakaan", "2025-08", Filters(wilayah=("3202",))))
    assert kpis["kode"].astype(str).tolist() == ["P-101"]


def test_a_question_is_asked_in_the_forms_people_write_it() -> None:
    """``ask`` reads a period label, no filters (every library), no KPIs (the function's own
    default) and no catalogue (the project's); a lone KPI id is refused, not read as letters."""
    import pytest

    from kpi.catalogue import catalogue
    from kpi.periods import parse_period

    store = object()  # the question only carries it
    q = ask(store, "provinsi", "2025-01..2025-03")  # type: ignore[arg-type]
    assert q.period == parse_period("2025-01..2025-03")
    assert q.filters == Filters() and q.kpis is None and q.cat is catalogue()
    assert q.kpi_ids(["kunjungan"]) == ["kunjungan"]
    narrower = q.about(["kegiatan"]).at(parse_period("2025"))
    assert (narrower.kpis, narrower.period, narrower.level) == (
        ("kegiatan",),
        parse_period("2025"),
        "provinsi",
    )
    assert narrower.kpi_ids(["kunjungan"]) == ["kegiatan"]
    assert q.kpis is None  # a question is frozen: ``about`` and ``at`` make new ones
    with pytest.raises(TypeError):
        ask(store, "provinsi", "2025", kpis="kunjungan")  # type: ignore[arg-type]
