"""kpi.settings: typed settings over the catalogue's defaults, one validation, one save."""

from __future__ import annotations

import dataclasses

import pytest

from kpi import audit, settings
from kpi.settings import ClosingSettings, CoachingSettings, ScoreSettings, SettingsError
from kpi.store import Store
from kpi.vocab import Band, Rule, Tier


def test_the_defaults_are_the_catalogues_and_valid() -> None:
    c = CoachingSettings.of({})
    assert (c.jendela_bulan, c.bulan_bergabung_minimum) == (12, 6)
    assert (c.d_bulan_terakhir, c.d_kelengkapan_minimum) == (2, 80.0)
    assert c.r3_kpi == ("kunjungan", "kegiatan")
    assert c.poin[Rule.Q] == 3.0 and c.poin[Rule.D] == 0.0  # D gives a tier, not points
    assert c.tier == {Tier.PRIORITAS_1: 5.0, Tier.PRIORITAS_2: 3.0, Tier.PANTAU: 1.0}
    s = ScoreSettings.of({})
    assert (s.persentil_pembanding, s.kelengkapan_minimum, s.porsi_berskor_minimum) == (90, 50, 50)
    assert [b.id for b in s.bands] == list(Band) and s.lowest_band == Band.MERAH
    assert ClosingSettings.of({}) == ClosingSettings(10, 80.0, 12)
    problems = settings.validate(
        settings.defaults(settings.SCORE_KEY),
        settings.defaults(settings.COACHING_KEY),
        settings.defaults(settings.CLOSING_KEY),
    )
    assert problems == []


def test_a_partial_setting_keeps_the_other_defaults_rule_by_rule() -> None:
    c = CoachingSettings.of({"D": {"kelengkapan_minimum": 70}, "tier": {"prioritas_1": 6}})
    assert (c.d_bulan_terakhir, c.d_kelengkapan_minimum) == (2, 70.0)
    assert c.tier[Tier.PRIORITAS_1] == 6.0 and c.tier[Tier.PANTAU] == 1.0
    # 6 points: prioritas_1; 5: prioritas_2 now; 0: no tier
    assert [c.tier_of(p) for p in (6, 5, 1, 0)] == [
        Tier.PRIORITAS_1,
        Tier.PRIORITAS_2,
        Tier.PANTAU,
        None,
    ]
    with pytest.raises(dataclasses.FrozenInstanceError):
        c.jendela_bulan = 3  # type: ignore[misc]


def test_validate_returns_every_problem() -> None:
    bad_score = {**settings.defaults(settings.SCORE_KEY), "persentil_pembanding": 0}
    bad_score["bobot"] = {"informasi": 50, "pelibatan": 40, "advokasi": 25}  # 115
    bad_rules = settings.merged(settings.COACHING_KEY, {"jendela_bulan": 5, "R2": {"poin": -1}})
    bad_closing = {"tenggat_hari": 0, "kelengkapan_relatif": 80, "bulan_pembanding": 40}
    keys = [p.key for p in settings.validate(bad_score, bad_rules, bad_closing)]
    assert keys == [
        "bobot_jumlah",
        "persentil",
        "jendela",
        "poin",
        "tenggat_hari",
        "bulan_pembanding",
    ]


def test_save_validates_and_stores_nothing_on_a_problem(tmp_store: Store) -> None:
    with pytest.raises(SettingsError) as err:
        settings.save(tmp_store, settings.COACHING_KEY, {"tier": {"prioritas_1": 1}})
    assert [p.key for p in err.value.problems] == ["tier"]
    assert tmp_store.get_setting(settings.COACHING_KEY) is None
    assert audit.events(tmp_store).empty
    settings.save(tmp_store, settings.COACHING_KEY, {"jendela_bulan": 6})
    loaded = settings.load(tmp_store)
    assert loaded.coaching.jendela_bulan == 6 and loaded.coaching.d_bulan_terakhir == 2
    assert list(audit.events(tmp_store)["aksi"]) == ["settings.save"]
    settings.restore_defaults(tmp_store)
    assert settings.load(tmp_store).coaching.jendela_bulan == 12


def test_import_limits_default_and_stored(tmp_store: Store) -> None:
    assert settings.import_limits(tmp_store) == settings.ImportLimits(50.0, 600.0)
    tmp_store.set_setting(settings.IMPORT_MAX_MB_KEY, 10)
    assert settings.import_limits(tmp_store).max_mb == 10.0
