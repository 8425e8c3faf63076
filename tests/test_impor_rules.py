"""The import report names its rules in words, never by their codes (perpustakaan_tidak_dikenal,
pecahan ...), in both languages: every rule of kpi/ingest/messages.py has a name in data/i18n."""

from __future__ import annotations

from pathlib import Path

import ingest_fixtures as fx
import pytest
from apptest_helpers import APP
from streamlit.testing.v1 import AppTest

from kpi.demo import clear_demo
from kpi.ingest.messages import MESSAGES, rule_name
from kpi.store import Store


def test_every_rule_has_a_name_in_both_languages() -> None:
    for rule in MESSAGES:
        name_id, name_en = rule_name(rule, "id"), rule_name(rule, "en")
        assert name_id != rule and name_en != rule, rule
        assert "_" not in name_id and "_" not in name_en, (rule, name_id, name_en)
    assert rule_name("perpustakaan_tidak_dikenal", "id") == "Perpustakaan tidak dikenal"
    assert rule_name("pecahan", "en") == "Not a whole number"
    assert rule_name("aturan_baru") == "aturan_baru"  # a rule without a name shows its code


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "page.duckdb"
    store = Store(path)
    clear_demo(store)  # an empty store that does not load the demo
    store.close()
    monkeypatch.setenv("TPBIS_DB", str(path))
    return path


@pytest.mark.parametrize(
    ("lang", "unknown", "fraction"),
    [
        ("id", "Perpustakaan tidak dikenal", "Bukan bilangan bulat"),
        ("en", "Unknown library", "Not a whole number"),
    ],
)
def test_the_report_shows_rules_in_words(db: Path, lang: str, unknown: str, fraction: str) -> None:
    at = AppTest.from_file(str(APP), default_timeout=120)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page("pages/impor.py")
    at.run()
    book = fx.workbook(
        {"Laporan": fx.monthly_rows([("P-001", "2023-08", "2,5"), ("P-404", "2023-08", 1)])}
    )
    at.file_uploader[0].set_value(
        [
            ("register.csv", fx.register_csv(), "text/csv"),
            ("laporan.xlsx", book, "application/octet-stream"),
        ]
    )
    at.run()
    assert not at.exception
    shown = [str(v) for df in at.dataframe for v in df.value.astype(str).to_numpy().ravel()]
    assert unknown in shown and fraction in shown, shown
    assert "perpustakaan_tidak_dikenal" not in shown and "pecahan" not in shown
    rule_filter = next(m for m in at.multiselect if m.label in ("Aturan", "Rule"))
    assert unknown in rule_filter.options
