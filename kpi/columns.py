"""The input columns of the data contract (shared/design/data-contract.md), in one place.

The store's tables, the importer and the demo all derive their column lists from here, so a
column is named once. KPIs are not defined here: they live in the KPI catalogue.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from kpi.vocab import Jenis

Kind = Literal["flow", "stock", "state", "date"]


@dataclass(frozen=True)
class MonthlyColumn:
    name: str
    kind: Kind
    pillar: str
    sql_type: str
    label_id: str
    label_en: str


MONTHLY_COLUMNS: tuple[MonthlyColumn, ...] = (
    MonthlyColumn("tanggal_lapor", "date", "data", "DATE", "Tanggal lapor", "Report date"),
    MonthlyColumn(
        "jangkauan_sosialisasi",
        "flow",
        "5a",
        "BIGINT",
        "Jangkauan sosialisasi",
        "Outreach reach",
    ),
    MonthlyColumn("kunjungan", "flow", "informasi", "BIGINT", "Kunjungan", "Visits"),
    MonthlyColumn("anggota_baru", "flow", "informasi", "BIGINT", "Anggota baru", "New members"),
    MonthlyColumn("anggota_total", "stock", "informasi", "BIGINT", "Anggota total", "Members"),
    MonthlyColumn("peminjaman", "flow", "informasi", "BIGINT", "Peminjaman", "Loans"),
    MonthlyColumn("pengguna_tik", "flow", "informasi", "BIGINT", "Pengguna TIK", "ICT users"),
    MonthlyColumn(
        "komputer_aktif", "stock", "informasi", "BIGINT", "Komputer aktif", "Working computers"
    ),
    MonthlyColumn(
        "akses_internet", "state", "informasi", "BOOLEAN", "Akses internet", "Internet access"
    ),
    MonthlyColumn("kegiatan", "flow", "pelibatan", "BIGINT", "Kegiatan", "Activities"),
    MonthlyColumn("peserta", "flow", "pelibatan", "BIGINT", "Peserta", "Participants"),
    MonthlyColumn(
        "peserta_perempuan",
        "flow",
        "pelibatan",
        "BIGINT",
        "Peserta perempuan",
        "Women participants",
    ),
    MonthlyColumn(
        "penerima_manfaat", "flow", "pelibatan", "BIGINT", "Penerima manfaat", "Beneficiaries"
    ),
    MonthlyColumn("kisah_sukses", "flow", "pelibatan", "BIGINT", "Kisah sukses", "Success stories"),
    MonthlyColumn("testimoni", "flow", "5a", "BIGINT", "Testimoni", "Testimonials"),
    MonthlyColumn("advokasi", "flow", "advokasi", "BIGINT", "Advokasi", "Advocacy meetings"),
    MonthlyColumn("mitra_baru", "flow", "advokasi", "BIGINT", "Mitra baru", "New partnerships"),
    MonthlyColumn(
        "anggaran_daerah", "flow", "advokasi", "DOUBLE", "Anggaran daerah (Rp)", "Local budget (Rp)"
    ),
    MonthlyColumn(
        "replikasi_desa", "flow", "advokasi", "BIGINT", "Replikasi desa", "Replication villages"
    ),
    MonthlyColumn("publikasi", "flow", "advokasi", "BIGINT", "Publikasi", "Publications"),
)

MONTHLY_COLUMN_NAMES: tuple[str, ...] = tuple(c.name for c in MONTHLY_COLUMNS)
# the columns that hold a reported value (everything but the submission date)
INDICATOR_COLUMNS: tuple[str, ...] = tuple(c.name for c in MONTHLY_COLUMNS if c.kind != "date")

JENIS_PERPUSTAKAAN: tuple[str, ...] = tuple(j.value for j in Jenis)
JENIS_DUKUNGAN: tuple[str, ...] = ("penuh", "replikasi_mandiri", "bantuan_buku")
CIEL_DIMENSIONS: tuple[str, ...] = ("kreativitas", "inovasi", "kewirausahaan", "kepemimpinan")
STRATEGY_SELF_RATINGS: tuple[str, ...] = ("layanan_informasi", "pelibatan_masyarakat", "advokasi")
