"""The gazetteer (data/wilayah) and the name matching in kpi.places."""

from __future__ import annotations

import json

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kpi import places
from kpi.places import (
    PAPUA_2022,
    Match,
    fold_name,
    format_kode,
    geojson_kode,
    match_desa_kelurahan,
    match_kabupaten_kota,
    match_kecamatan,
    match_provinsi,
    normalise_kode,
    tingkat_kode,
)

LAT_MIN, LAT_MAX = -11.5, 6.5
LON_MIN, LON_MAX = 94.5, 141.5


# -- the tables ----------------------------------------------------------------------------------


def test_counts() -> None:
    assert len(places.provinsi()) == 38
    assert len(places.kabupaten_kota()) == 514
    assert len(places.kecamatan()) == 7285
    assert len(places.desa_kelurahan()) == 83762
    assert len(places.wilayah_frame()) == 38 + 514 + 7285 + 83762


@pytest.mark.parametrize(
    ("frame", "width", "parent_col", "parent"),
    [
        (places.provinsi, 2, None, None),
        (places.kabupaten_kota, 4, "kode_provinsi", places.provinsi),
        (places.kecamatan, 6, "kode_kabupaten_kota", places.kabupaten_kota),
        (places.desa_kelurahan, 10, "kode_kecamatan", places.kecamatan),
    ],
)
def test_codes_unique_and_parents_exist(frame, width, parent_col, parent) -> None:  # noqa: ANN001
    df = frame()
    assert df["kode"].is_unique
    assert df["kode"].str.fullmatch(rf"[0-9]{{{width}}}").all()
    assert pd.api.types.is_string_dtype(df["kode"])
    assert df["nama"].str.len().gt(0).all()
    assert (df["nama"] == df["nama"].str.strip()).all()
    if parent_col is not None:
        assert (df[parent_col] == df["kode"].str[: width - (2 if width < 10 else 4)]).all()
        assert df[parent_col].isin(parent()["kode"]).all()


@pytest.mark.parametrize(
    "frame", [places.provinsi, places.kabupaten_kota, places.kecamatan, places.desa_kelurahan]
)
def test_coordinates_inside_indonesia(frame) -> None:  # noqa: ANN001
    df = frame()
    assert df["latitude"].notna().all() and df["longitude"].notna().all()
    assert df["latitude"].between(LAT_MIN, LAT_MAX).all()
    assert df["longitude"].between(LON_MIN, LON_MAX).all()


def test_wakatobi_longitude_repaired() -> None:
    kab = places.kabupaten_kota().set_index("kode")
    assert kab.loc["7407", "nama"] == "Kabupaten Wakatobi"
    assert kab.loc["7407", "longitude"] == pytest.approx(123.54, abs=0.1)


def test_villages_without_source_point_use_their_kecamatan() -> None:
    desa = places.desa_kelurahan()
    kec = places.kecamatan().set_index("kode")
    approx = desa[desa["koordinat_perkiraan"]]
    assert 383 <= len(approx) <= 400
    assert (approx["latitude"].to_numpy() == approx["kode_kecamatan"].map(kec["latitude"])).all()
    assert desa["koordinat_perkiraan"].dtype == bool


def test_province_columns_and_2022_parents() -> None:
    prov = places.provinsi().set_index("kode")
    assert list(places.provinsi().columns) == [
        "kode", "nama", "latitude", "longitude", "penduduk", "luas_km2", "kode_induk_2021",
    ]  # fmt: skip
    assert prov.loc["52", "nama"] == "Nusa Tenggara Barat"
    assert prov.loc["31", "nama"] == "DKI Jakarta"
    assert prov.loc["34", "nama"] == "Daerah Istimewa Yogyakarta"
    new = {"93": "Papua Selatan", "94": "Papua Tengah", "95": "Papua Pegunungan"}
    new |= {"96": "Papua Barat Daya"}
    for kode, nama in new.items():
        assert prov.loc[kode, "nama"] == nama
    induk = prov["kode_induk_2021"]
    assert induk[induk != induk.index].to_dict() == PAPUA_2022
    assert prov.loc["91", "nama"] == "Papua" and prov.loc["92", "nama"] == "Papua Barat"
    assert (prov["penduduk"] > 0).all()
    assert prov["luas_km2"].notna().all()


def test_kabupaten_kota_names_and_kinds() -> None:
    kab = places.kabupaten_kota()
    assert list(kab.columns) == [
        "kode", "kode_provinsi", "nama", "jenis", "latitude", "longitude", "penduduk", "luas_km2",
    ]  # fmt: skip
    assert set(kab["jenis"]) == {"kabupaten", "kota"}
    assert (kab["nama"].str.startswith("Kota ") == (kab["jenis"] == "kota")).all()
    assert (kab["nama"].str.startswith("Kabupaten ") == (kab["jenis"] == "kabupaten")).all()
    assert kab.set_index("kode").loc["5201", "nama"] == "Kabupaten Lombok Barat"
    assert kab.set_index("kode").loc["5271", "nama"] == "Kota Mataram"
    assert kab["luas_km2"].isna().sum() <= 6
    # the kab/kota matcher splits "kota " off: no kabupaten's folded name may start with it
    folded = kab.loc[kab["jenis"] == "kabupaten", "nama"].map(fold_name)
    assert not folded.str.startswith("kota ").any()


def test_village_kind_follows_the_code() -> None:
    desa = places.desa_kelurahan()
    assert set(desa["jenis"]) == {"desa", "kelurahan"}
    assert ((desa["kode"].str[6] == "1") == (desa["jenis"] == "kelurahan")).all()


def test_wilayah_frame() -> None:
    w = places.wilayah_frame()
    assert list(w.columns) == ["kode", "tingkat", "nama", "kode_induk", "latitude", "longitude"]
    assert w["kode"].is_unique
    assert w["tingkat"].value_counts().to_dict() == {
        "desa_kelurahan": 83762, "kecamatan": 7285, "kabupaten_kota": 514, "provinsi": 38,
    }  # fmt: skip
    assert w.loc[w["tingkat"] == "provinsi", "kode_induk"].isna().all()
    children = w[w["tingkat"] != "provinsi"]
    assert children["kode_induk"].isin(w["kode"]).all()


def test_returned_frames_do_not_change_the_cache() -> None:
    df = places.provinsi()
    df.loc[0, "nama"] = "changed"
    df["extra"] = 1
    assert places.provinsi().loc[0, "nama"] == "Aceh"
    assert "extra" not in places.provinsi().columns


# -- outlines ------------------------------------------------------------------------------------


def _rings(geometry: dict) -> list[list[list[float]]]:
    assert geometry["type"] in ("Polygon", "MultiPolygon")
    polys = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
    return [ring for poly in polys for ring in poly]


def test_province_geojson() -> None:
    gj = places.province_geojson()
    assert gj["type"] == "FeatureCollection"
    assert len(gj["features"]) == 34
    prov = places.provinsi().set_index("kode")
    pre_2022 = set(prov.index[prov["kode_induk_2021"] == prov.index])
    codes = [f["properties"]["kode"] for f in gj["features"]]
    assert set(codes) == pre_2022 and len(codes) == 34
    assert not set(codes) & set(PAPUA_2022)
    for f in gj["features"]:
        assert f["type"] == "Feature"
        assert set(f["properties"]) == {"kode", "nama"}
        assert f["properties"]["nama"] == prov.loc[f["properties"]["kode"], "nama"]
        for ring in _rings(f["geometry"]):
            assert len(ring) >= 4
            assert ring[0] == ring[-1]
            for lon, lat in ring:  # GeoJSON order: longitude first
                assert LON_MIN <= lon <= LON_MAX
                assert LAT_MIN <= lat <= LAT_MAX
    ntb = next(f for f in gj["features"] if f["properties"]["kode"] == "52")
    assert ntb["properties"]["nama"] == "Nusa Tenggara Barat"


def test_province_geojson_is_a_fresh_copy() -> None:
    places.province_geojson()["features"].clear()
    assert len(places.province_geojson()["features"]) == 34
    # and the committed file is plain JSON
    raw = (places.DATA_DIR / "provinsi_34.geojson").read_text(encoding="utf-8")
    assert json.loads(raw)["type"] == "FeatureCollection"


def test_geojson_kode() -> None:
    assert geojson_kode("52") == "52"
    assert geojson_kode("95") == "91"
    assert geojson_kode("93") == "91"
    assert geojson_kode("94") == "91"
    assert geojson_kode("96") == "92"
    assert geojson_kode(96) == "92"
    assert geojson_kode("95.01") == "91"
    with pytest.raises(ValueError):
        geojson_kode("99")
    with pytest.raises(ValueError):
        geojson_kode("x")


# -- codes ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("5201", "5201"),
        ("52.01", "5201"),
        (5201, "5201"),
        (5201.0, "5201"),
        ("5201.0", "5201"),
        ("5201.00", "5201"),
        ("52", "52"),
        (52, "52"),
        (52.0, "52"),
        ("52.0", "52"),
        ("52.01.01.2001", "5201012001"),
        ("5201012001", "5201012001"),
        (5201012001, "5201012001"),
        (5201012001.0, "5201012001"),
        ("5201012001.0", "5201012001"),
        ("5.201012001E9", "5201012001"),
        (" 52.01 ", "5201"),
        ("52 01", "5201"),
        ("52. 01. 01", "520101"),
        ("\u00a05201\t", "5201"),
        ("520101", "520101"),
        ("", None),
        ("   ", None),
        (None, None),
        (float("nan"), None),
        (True, None),
        ("abc", None),
        ("52a1", None),
        ("520", None),
        ("52011", None),
        ("5.201", None),
        ("520.1", None),
        ("52.01.01.20011", None),
        (5201.5, None),
        ("5201.5", None),
        (-5201, None),
        ("12345678901", None),
    ],
)
def test_normalise_kode(value: object, expected: str | None) -> None:
    assert normalise_kode(value) == expected


def test_normalise_kode_numpy_and_pandas_values() -> None:
    np = pytest.importorskip("numpy")
    assert normalise_kode(np.int64(5201)) == "5201"
    assert normalise_kode(np.float64(5201.0)) == "5201"
    assert normalise_kode(pd.NA) is None


def test_format_and_level() -> None:
    assert format_kode("5201012001") == "52.01.01.2001"
    assert format_kode("5201") == "52.01"
    assert format_kode("52") == "52"
    assert format_kode(520101) == "52.01.01"
    assert format_kode(5201.0) == "52.01"
    with pytest.raises(ValueError):
        format_kode("520")
    assert tingkat_kode("52") == "provinsi"
    assert tingkat_kode("52.01") == "kabupaten_kota"
    assert tingkat_kode("520101") == "kecamatan"
    assert tingkat_kode(5201012001) == "desa_kelurahan"
    assert tingkat_kode("52010") is None


@given(
    st.integers(11, 99),
    st.lists(st.integers(1, 99), max_size=2),
    st.one_of(st.none(), st.integers(1, 9999)),
)
def test_code_round_trips(prov: int, middle: list[int], desa: int | None) -> None:
    # real codes have no all-zero segment ("52.00" reads as the number 52.00, i.e. "52")
    kode = f"{prov}" + "".join(f"{m:02d}" for m in middle)
    if desa is not None and len(middle) == 2:
        kode += f"{desa:04d}"
    assert normalise_kode(kode) == kode
    assert normalise_kode(format_kode(kode)) == kode
    assert normalise_kode(int(kode)) == kode
    assert normalise_kode(float(kode)) == kode
    assert normalise_kode(f"{kode}.0") == kode


# -- folding -------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Kab. Lombok Barat", "lombok barat"),
        ("KABUPATEN LOMBOK BARAT", "lombok barat"),
        ("Kab Lombok Barat", "lombok barat"),
        ("  Lombok   Barat ", "lombok barat"),
        ("Kota Mataram", "kota mataram"),
        ("Kota Adm. Jakarta Pusat", "kota jakarta pusat"),
        ("Kota Administrasi Jakarta Pusat", "kota jakarta pusat"),
        ("Kotamadya Bandung", "kota bandung"),
        ("Kabupaten Administrasi Kepulauan Seribu", "kepulauan seribu"),
        ("Kab. Adm. Kep. Seribu", "kepulauan seribu"),
        ("Prov. DKI Jakarta", "dki jakarta"),
        ("Provinsi Jawa Barat", "jawa barat"),
        ("Propinsi Jawa Barat", "jawa barat"),
        ("Daerah Khusus Ibukota Jakarta", "dki jakarta"),
        ("D.K.I. Jakarta", "dki jakarta"),
        ("D.I. Yogyakarta", "di yogyakarta"),
        ("DI Yogyakarta", "di yogyakarta"),
        ("Daerah Istimewa Yogyakarta", "di yogyakarta"),
        ("D.I.Y.", "diy"),
        ("Kep. Riau", "kepulauan riau"),
        ("Kel. Gerung Utara", "gerung utara"),
        ("Kelurahan Gerung Utara", "gerung utara"),
        ("Desa Gerung Utara", "gerung utara"),
        ("Kec. Gerung", "gerung"),
        ("Distrik Wamena", "wamena"),
        ("Kelurahan", "kelurahan"),  # never the whole name
        ("Desa", "desa"),
        ("Padala'a", "padalaa"),
        ("Regapu\u2019u", "regapuu"),
        ("Wangi-Wangi", "wangi wangi"),
        ("Tj. Pinang", "tanjung pinang"),
        ("Bélang", "belang"),
        ("Misool (Misool Utara)", "misool misool utara"),
        ("", ""),
    ],
)
def test_fold_name(text: str, expected: str) -> None:
    assert fold_name(text) == expected


# -- matching ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kode"),
    [
        ("NTB", "52"),
        ("Nusa Tenggara Barat", "52"),
        ("DIY", "34"),
        ("D.I. Yogyakarta", "34"),
        ("Jogja", "34"),
        ("DKI", "31"),
        ("DKI Jakarta", "31"),
        ("Prov. DKI Jakarta", "31"),
        ("Daerah Khusus Ibukota Jakarta", "31"),
        ("Jakarta", "31"),
        ("Jabar", "32"),
        ("Jateng", "33"),
        ("Jatim", "35"),
        ("Sulsel", "73"),
        ("Kaltim", "64"),
        ("NAD", "11"),
        ("Aceh", "11"),
        ("Sumut", "12"),
        ("Kepri", "21"),
        ("Kep. Riau", "21"),
        ("Riau", "14"),
        ("Babel", "19"),
        ("Papua", "91"),
        ("Papua Barat", "92"),
        ("Pabar", "92"),
        ("Papua Barat Daya", "96"),
        ("Pabarda", "96"),
        ("Papsel", "93"),
        ("Papteng", "94"),
        ("Papeg", "95"),
        ("  provinsi   jawa  TIMUR ", "35"),
    ],
)
def test_match_provinsi(name: str, kode: str) -> None:
    m = match_provinsi(name)
    assert m.status == "exact", m
    assert m.kode == kode
    assert m.candidates == [(kode, places.provinsi().set_index("kode").loc[kode, "nama"])]


def test_abbreviation_table() -> None:
    table = pd.read_csv(places.DATA_DIR / "singkatan.csv", dtype=str, keep_default_na=False)
    prov = places.provinsi()
    assert table["kode_provinsi"].isin(prov["kode"]).all()
    official = dict(zip(prov["nama"].map(fold_name), prov["kode"], strict=True))
    for alias, kode in zip(table["singkatan"].map(fold_name), table["kode_provinsi"], strict=True):
        assert official.get(alias, kode) == kode, alias  # never another province's name
    assert not table["singkatan"].map(fold_name).duplicated().any()


@pytest.mark.parametrize(
    "name", ["Kab. Lombok Barat", "KABUPATEN LOMBOK BARAT", "Lombok Barat", "kab lombok barat"]
)
def test_match_kabupaten(name: str) -> None:
    m = match_kabupaten_kota(name)
    assert (m.status, m.kode, m.nama) == ("exact", "5201", "Kabupaten Lombok Barat")
    assert match_kabupaten_kota(name, kode_provinsi="52").kode == "5201"
    assert match_kabupaten_kota(name, kode_provinsi="52.0").kode == "5201"


def test_match_kota() -> None:
    assert match_kabupaten_kota("Kota Mataram").kode == "5271"
    assert match_kabupaten_kota("Mataram").kode == "5271"
    assert match_kabupaten_kota("Kota Adm. Jakarta Pusat").kode == "3171"
    assert match_kabupaten_kota("Jakarta Pusat").kode == "3171"
    assert match_kabupaten_kota("Kab. Adm. Kep. Seribu").kode == "3101"
    assert match_kabupaten_kota("Kotamadya Bandung").kode == "3273"
    assert match_kabupaten_kota("Tanjungpinang").kode == "2172"  # spaces do not count
    assert match_kabupaten_kota("Tj. Pinang").kode == "2172"


def test_bogor_is_ambiguous_unless_said() -> None:
    m = match_kabupaten_kota("Bogor")
    assert m.status == "ambiguous"
    assert m.kode is None
    assert m.candidates == [("3201", "Kabupaten Bogor"), ("3271", "Kota Bogor")]
    assert match_kabupaten_kota("Bogor", kode_provinsi="32").status == "ambiguous"
    kota = match_kabupaten_kota("Kota Bogor")
    assert (kota.status, kota.kode) == ("exact", "3271")
    assert match_kabupaten_kota("Kab. Bogor").kode == "3201"
    assert match_kabupaten_kota("Kabupaten Bogor").kode == "3201"
    assert match_kabupaten_kota("Bogor, Kab.").kode == "3201"
    assert match_kabupaten_kota("Bogor (Kota)").kode == "3271"


def test_province_context_disambiguates_across_provinces() -> None:
    assert (
        match_kabupaten_kota("Banjar").status == "ambiguous"
    )  # Kota Banjar (32), Kab. Banjar (63)
    assert match_kabupaten_kota("Banjar", kode_provinsi="63").kode == "6303"
    # the pre-2022 province still finds a kab/kota now in a 2022 province
    assert match_kabupaten_kota("Jayawijaya", kode_provinsi="91").kode == "9501"
    assert match_kabupaten_kota("Jayawijaya", kode_provinsi="95").kode == "9501"
    assert match_kabupaten_kota("Jayawijaya", kode_provinsi="52").status == "unknown"
    with pytest.raises(ValueError):
        match_kabupaten_kota("Bogor", kode_provinsi="3201")


def test_misspelling_is_unknown_with_suggestions() -> None:
    m = match_kabupaten_kota("Lombok Barta")
    assert m.status == "unknown"
    assert m.kode is None and m.candidates == []
    assert ("5201", "Kabupaten Lombok Barat") in m.suggestions
    assert len(m.suggestions) <= 3
    wrong_kind = match_kabupaten_kota("Kab. Mataram")
    assert wrong_kind.status == "unknown"
    assert wrong_kind.suggestions[0] == ("5271", "Kota Mataram")
    prov = match_provinsi("Jawa Barrat")
    assert prov.status == "unknown" and prov.suggestions[0] == ("32", "Jawa Barat")


@pytest.mark.parametrize("name", [None, "", "   ", float("nan"), "---"])
def test_empty_names_are_unknown(name: object) -> None:
    m = match_kabupaten_kota(name)
    assert m == Match(None, "unknown", [], [])


def test_match_kecamatan() -> None:
    assert match_kecamatan("Gerung", "5201").kode == "520101"
    assert match_kecamatan("Kec. Gerung", "52.01").kode == "520101"
    assert match_kecamatan("Gerung").kode == "520101"
    scoped = match_kecamatan("Cibinong", kode_kabupaten_kota="3271")
    assert scoped.status == "unknown"
    assert ("320101", "Cibinong") in scoped.suggestions  # it exists, in Kabupaten Bogor


def test_match_desa_within_kecamatan() -> None:
    m = match_desa_kelurahan("Gerung Utara", kode_kecamatan="520101")
    assert (m.status, m.kode, m.nama) == ("exact", "5201011001", "Gerung Utara")
    assert match_desa_kelurahan("Kel. Gerung Utara", kode_kecamatan="520101").kode == "5201011001"
    assert match_desa_kelurahan("Gerung Utara", kode_kabupaten_kota="5201").kode == "5201011001"
    assert match_desa_kelurahan("Gerung Utara", "520101", "5201").kode == "5201011001"
    with pytest.raises(ValueError):
        match_desa_kelurahan("Gerung Utara", "520101", "5202")
    common = match_desa_kelurahan("Sukamaju")
    assert common.status == "ambiguous" and len(common.candidates) > 10
    # a desa and a kelurahan of the same name in one kecamatan: the word in front decides
    assert match_desa_kelurahan("Waena", "917105").status == "ambiguous"
    assert match_desa_kelurahan("Kel. Waena", "917105").kode == "9171051002"
    assert match_desa_kelurahan("Kampung Waena", "917105").status == "ambiguous"
    typo = match_desa_kelurahan("Gerung Utaraa", kode_kecamatan="520101")
    assert typo.status == "unknown" and typo.suggestions[0] == ("5201011001", "Gerung Utara")


def test_match_is_frozen() -> None:
    m = match_provinsi("NTB")
    with pytest.raises(AttributeError):
        m.kode = "53"  # type: ignore[misc]
    m.candidates.append(("x", "y"))  # a fresh list each call: the cache is unaffected
    assert match_provinsi("NTB").candidates == [("52", "Nusa Tenggara Barat")]


def test_every_official_name_matches_itself() -> None:
    for kode, nama in zip(places.provinsi()["kode"], places.provinsi()["nama"], strict=True):
        assert match_provinsi(nama).kode == kode
    for kode, nama in zip(
        places.kabupaten_kota()["kode"], places.kabupaten_kota()["nama"], strict=True
    ):
        assert match_kabupaten_kota(nama).kode == kode, nama


def test_fifty_thousand_matches() -> None:
    desa = places.desa_kelurahan().iloc[:50_000]
    results = [
        match_desa_kelurahan(n, kode_kecamatan=k)
        for n, k in zip(desa["nama"], desa["kode_kecamatan"], strict=True)
    ]
    assert len(results) == 50_000
    found = sum(r.kode == k for r, k in zip(results, desa["kode"], strict=True))
    assert found > 49_900  # the rest: same name twice in one kecamatan (ambiguous)
    assert {r.status for r in results} <= {"exact", "ambiguous"}


def test_every_kecamatan_matches_itself_within_its_kab_kota() -> None:
    kec = places.kecamatan()
    for kode, nama, kab in zip(kec["kode"], kec["nama"], kec["kode_kabupaten_kota"], strict=True):
        m = match_kecamatan(nama, kode_kabupaten_kota=kab)
        assert m.kode == kode or (m.status == "ambiguous" and (kode, nama) in m.candidates), nama


# -- a whole row's places ------------------------------------------------------------------------

KAB, KEC, DESA, PROV = "kabupaten_kota", "kecamatan", "desa_kelurahan", "provinsi"


def test_bare_name_settled_by_the_levels_below() -> None:
    r = places.resolve_path({KAB: "Bogor", KEC: "Cibinong"})
    assert (r.kode, r.problems) == ("320101", ())
    assert places.resolve_path({KAB: "BIMA", KEC: "Monta", DESA: "Sondo"}).kode == "5206012006"
    assert places.resolve_path({KAB: "Bima", KEC: "Rasanae Barat"}).kode == "527201"
    assert places.resolve_path({KAB: "Kediri", DESA: "Pojok", KEC: "Mojoroto"}).kode == (
        "3571011004"
    )
    # a province named by its pre-2022 name still fits a kab/kota of a 2022 province
    assert places.resolve_path({PROV: "Papua", KAB: "Jayawijaya"}).kode == "9501"


def test_bare_name_settled_by_a_code() -> None:
    r = places.resolve_path({KAB: "Bogor"}, {"kode_perpustakaan": "3201011001"})
    assert r.kode == "3201011001"
    assert places.resolve_path({KAB: "Kediri"}, {"kode_wilayah": "3571"}).kode == "3571"
    assert places.resolve_path({KAB: "Bogor"}, kab_kind="kota").kode == "3271"


def test_unsettled_ambiguity_is_on_the_column_where_the_paths_part() -> None:
    (p,) = places.resolve_path({KAB: "Bogor"}).problems
    assert (p.status, p.source, p.value) == ("ambiguous", KAB, "Bogor")
    assert [k for k, _ in p.candidates] == ["3201", "3271"]
    # the village repeats inside Kabupaten Bogor: the kab/kota is settled, the village is not
    r = places.resolve_path({KAB: "Bogor", DESA: "Sukamaju"})
    (p,) = r.problems
    assert (p.status, p.source) == ("ambiguous", DESA)
    assert all(k.startswith("3201") for k, _ in p.candidates) and len(p.candidates) > 1
    assert all(k.startswith("3201") for k in r.paths)


def test_misspelt_name_settled_by_the_levels_below_is_read_as_noted() -> None:
    r = places.resolve_path({KAB: "Bogr", KEC: "Cibinong"})
    assert r.kode == "320101"
    assert r.read_as == ((KAB, "Bogr", "3201", "Kabupaten Bogor"),)
    # a name that is nothing like the place the other columns give is unknown, with that place
    (p,) = places.resolve_path({KAB: "Bandungan", KEC: "Cibinong"}).problems
    assert (p.status, p.source) == ("unknown", KAB)
    assert p.candidates[0][0] == "3201"
    # the deepest name misspelt: nothing below settles it, suggestions come from its kecamatan
    (p,) = places.resolve_path({KAB: "Kab. Bogor", KEC: "Cibinong", DESA: "Karadenann"}).problems
    assert (p.status, p.source) == ("unknown", DESA)
    assert p.candidates[0][0] == "3201011002"


def test_names_that_contradict_each_other_or_the_code() -> None:
    (p,) = places.resolve_path({KAB: "Kota Bogor", KEC: "Cibinong"}).problems
    assert (p.status, p.source, p.other_source, p.other_value) == (
        "conflict",
        KEC,
        KAB,
        "Kota Bogor",
    )
    assert p.candidates == (("320101", "Cibinong, Kabupaten Bogor"),)
    r = places.resolve_path(
        {PROV: "Jawa Tengah", KAB: "Kota Bandung"}, {"kode_wilayah": "3201011001"}
    )
    assert r.kode is None
    assert {(p.source, p.other_source) for p in r.problems} == {
        ("kode_wilayah", PROV),
        ("kode_wilayah", KAB),
    }


def test_path_labels() -> None:
    assert places.path_label("3201011002") == "Karadenan, Kec. Cibinong, Kabupaten Bogor"
    assert places.path_label("3201") == "Kabupaten Bogor, Jawa Barat"
    assert places.path_label("32") == "Jawa Barat"
