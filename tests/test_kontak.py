"""Contact columns of the register: only the filled ones, for the chosen libraries."""

from __future__ import annotations

from kpi import kontak
from kpi.store import Store


def _register(store: Store, rows: list[tuple[str, str | None, str | None]]) -> None:
    with store.write() as con:
        for kode, nama_kontak, telepon in rows:
            con.execute(
                "INSERT INTO perpustakaan (kode_perpustakaan, nama_perpustakaan, jenis, "
                "kontak_nama, kontak_telepon) VALUES (?, ?, 'desa_kelurahan', ?, ?)",
                [kode, f"Perpustakaan {kode}", nama_kontak, telepon],
            )


def test_only_filled_contact_columns_are_returned(tmp_store: Store) -> None:
    _register(
        tmp_store,
        [("DES-2", "Wayan", None), ("DES-1", "  ", "=0812"), ("DES-3", None, None)],
    )
    out = kontak.contacts(tmp_store)
    # alamat and kontak_email are empty everywhere; a blank name counts as empty
    assert list(out.columns) == ["kode", "kontak_nama", "kontak_telepon"]
    assert out["kode"].tolist() == ["DES-1", "DES-2", "DES-3"]
    assert out["kontak_nama"].tolist()[1] == "Wayan"
    assert out["kontak_nama"].isna().tolist() == [True, False, True]
    assert out["kontak_telepon"].tolist()[0] == "=0812"


def test_contacts_of_chosen_libraries(tmp_store: Store) -> None:
    _register(tmp_store, [("DES-1", None, "0812"), ("DES-2", "Ani", None)])
    out = kontak.contacts(tmp_store, ["DES-1"])
    assert out.to_dict("records") == [{"kode": "DES-1", "kontak_telepon": "0812"}]
    assert list(kontak.contacts(tmp_store, []).columns) == ["kode"]
