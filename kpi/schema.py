"""The store's tables, declared once: the data tables (their keys and columns), the contact
columns of the register, and the migrations that build the schema one version at a time.

kpi.store runs the migrations; the importer, undo and the exports read the keys and column
lists from here. A migration is history: once released it never changes (a file migrated by
it must look the same as one created new), so a later change is a new migration.
"""

from __future__ import annotations

from collections.abc import Callable

import duckdb

from kpi.columns import CIEL_DIMENSIONS, MONTHLY_COLUMNS, STRATEGY_SELF_RATINGS

SCHEMA_VERSION = 5

# the register's optional contact columns (schema 2), for the field teams' export
CONTACT_COLUMNS: tuple[str, ...] = ("alamat", "kontak_nama", "kontak_telepon", "kontak_email")

# Data tables carry the batch that last wrote each row; their *_riwayat twin keeps the
# rows a later batch replaced (value history), so that undoing a batch can restore them.

_MONTHLY_SQL = ",\n    ".join(f"{c.name} {c.sql_type}" for c in MONTHLY_COLUMNS)
# the self-assessment: the CIEL dimensions, then the strategies' self-ratings (kpi.columns)
_SELF_RATING_SQL = ",\n    ".join(f"{c} DOUBLE" for c in (*CIEL_DIMENSIONS, *STRATEGY_SELF_RATINGS))

# (table, key columns, column definitions) for the data tables of schema version 1
_DATA_TABLES_V1: list[tuple[str, tuple[str, ...], str]] = [
    (
        "perpustakaan",
        ("kode_perpustakaan",),
        """
    kode_perpustakaan VARCHAR NOT NULL,
    nama_perpustakaan VARCHAR NOT NULL,
    jenis VARCHAR NOT NULL,
    kode_wilayah VARCHAR,
    kode_provinsi VARCHAR,
    kode_kabupaten_kota VARCHAR,
    kode_kecamatan VARCHAR,
    kode_desa_kelurahan VARCHAR,
    tahun_bergabung INTEGER,
    jenis_dukungan VARCHAR,
    penduduk BIGINT,
    latitude DOUBLE,
    longitude DOUBLE,
    batch_id VARCHAR""",
    ),
    (
        "laporan_bulanan",
        ("kode_perpustakaan", "periode"),
        f"""
    kode_perpustakaan VARCHAR NOT NULL,
    periode DATE NOT NULL,
    {_MONTHLY_SQL},
    batch_id VARCHAR""",
    ),
    (
        "target",
        ("kpi", "tingkat", "kode", "tahun"),
        """
    kpi VARCHAR NOT NULL,
    tingkat VARCHAR NOT NULL,
    kode VARCHAR NOT NULL,
    tahun INTEGER NOT NULL,
    nilai DOUBLE,
    batch_id VARCHAR""",
    ),
    (
        "penilaian_mandiri",
        ("kode_perpustakaan", "periode"),
        f"""
    kode_perpustakaan VARCHAR NOT NULL,
    periode VARCHAR NOT NULL,
    tahun INTEGER NOT NULL,
    semester INTEGER,
    {_SELF_RATING_SQL},
    batch_id VARCHAR""",
    ),
    (
        "indikator_konteks",
        ("kode_wilayah", "indikator", "tahun"),
        """
    kode_wilayah VARCHAR NOT NULL,
    tingkat VARCHAR NOT NULL,
    indikator VARCHAR NOT NULL,
    tahun INTEGER NOT NULL,
    nilai DOUBLE,
    satuan VARCHAR,
    sumber VARCHAR,
    batch_id VARCHAR""",
    ),
]

# the key columns of every data table (for the importer and undo), as of the latest schema
DATA_TABLE_KEYS: dict[str, tuple[str, ...]] = {t: k for t, k, _ in _DATA_TABLES_V1}
# schema 4: a target may name a library level (jenis) within its area; '' = the area itself
DATA_TABLE_KEYS["target"] = ("kpi", "tingkat", "kode", "tahun", "jenis")


def _migration_1(con: duckdb.DuckDBPyConnection) -> None:
    """The first schema: regions, data tables with history, batches, settings."""
    con.execute("CREATE TABLE IF NOT EXISTS meta (key VARCHAR PRIMARY KEY, value VARCHAR)")
    con.execute(
        """
        CREATE TABLE wilayah (
            kode VARCHAR PRIMARY KEY,
            tingkat VARCHAR NOT NULL,
            nama VARCHAR NOT NULL,
            kode_induk VARCHAR,
            latitude DOUBLE,
            longitude DOUBLE
        )"""
    )
    for table, keys, cols in _DATA_TABLES_V1:
        con.execute(f"CREATE TABLE {table} ({cols},\n    PRIMARY KEY ({', '.join(keys)}))")
        # history: the replaced row, which batch replaced it and when
        con.execute(
            f"CREATE TABLE {table}_riwayat ({cols},\n"
            "    diganti_oleh VARCHAR NOT NULL,\n    diganti_pada TIMESTAMP NOT NULL)"
        )
    con.execute(
        """
        CREATE TABLE import_batch (
            batch_id VARCHAR PRIMARY KEY,
            created_at TIMESTAMP NOT NULL,
            pengguna VARCHAR,
            sumber VARCHAR NOT NULL,          -- 'impor' or 'demo'
            status VARCHAR NOT NULL,          -- 'committed' or 'undone'
            undone_at TIMESTAMP,
            accepted BIGINT DEFAULT 0,
            rejected BIGINT DEFAULT 0,
            added BIGINT DEFAULT 0,
            changed BIGINT DEFAULT 0,
            unchanged BIGINT DEFAULT 0,
            catatan VARCHAR
        )"""
    )
    con.execute(
        """
        CREATE TABLE import_file (
            batch_id VARCHAR NOT NULL,
            file_no INTEGER NOT NULL,
            file_name VARCHAR NOT NULL,
            checksum VARCHAR NOT NULL,
            size_bytes BIGINT NOT NULL,
            content BLOB,
            PRIMARY KEY (batch_id, file_no)
        )"""
    )
    con.execute(
        """
        CREATE TABLE rejected_row (
            batch_id VARCHAR NOT NULL,
            file_name VARCHAR,
            sheet VARCHAR,
            baris INTEGER,
            kolom VARCHAR,
            nilai VARCHAR,
            aturan VARCHAR,
            pesan_id VARCHAR,
            pesan_en VARCHAR,
            data_baris VARCHAR
        )"""
    )
    con.execute(
        """
        CREATE TABLE settings (
            key VARCHAR PRIMARY KEY,
            value VARCHAR NOT NULL,          -- JSON
            updated_at TIMESTAMP NOT NULL
        )"""
    )


def _migration_2(con: duckdb.DuckDBPyConnection) -> None:
    """Contact columns in the register (for field teams' export) and saved column mappings."""
    for table in ("perpustakaan", "perpustakaan_riwayat"):
        for col in CONTACT_COLUMNS:
            con.execute(f"ALTER TABLE {table} ADD COLUMN {col} VARCHAR")
    con.execute(
        """
        CREATE TABLE pemetaan_kolom (
            tanda VARCHAR PRIMARY KEY,        -- signature of the sheet's header shape
            jenis_sheet VARCHAR NOT NULL,
            pemetaan VARCHAR NOT NULL,        -- JSON: header as in the file -> column
            created_at TIMESTAMP NOT NULL
        )"""
    )


def _migration_3(con: duckdb.DuckDBPyConnection) -> None:
    """Saved value mappings: what a written value of a vocabulary column means (issue 10)."""
    con.execute(
        """
        CREATE TABLE pemetaan_nilai (
            kosakata VARCHAR NOT NULL,        -- vocabulary (data/kosakata_nilai.yaml)
            kunci VARCHAR NOT NULL,           -- the value as written, folded
            contoh VARCHAR NOT NULL,          -- the value as first written
            nilai VARCHAR NOT NULL,           -- its meaning: a value of the vocabulary
            created_at TIMESTAMP NOT NULL,
            PRIMARY KEY (kosakata, kunci)
        )"""
    )


def _migration_4(con: duckdb.DuckDBPyConnection) -> None:
    """Targets that name a library level: target.jenis ('' = the area or library named by
    tingkat and kode; a level = each library of that level in the area), part of the key."""
    con.execute(
        """
        CREATE TABLE target_v3 (
            kpi VARCHAR NOT NULL,
            tingkat VARCHAR NOT NULL,
            kode VARCHAR NOT NULL,
            tahun INTEGER NOT NULL,
            jenis VARCHAR NOT NULL DEFAULT '',
            nilai DOUBLE,
            batch_id VARCHAR,
            PRIMARY KEY (kpi, tingkat, kode, tahun, jenis)
        )"""
    )
    con.execute(
        "INSERT INTO target_v3 (kpi, tingkat, kode, tahun, jenis, nilai, batch_id) "
        "SELECT kpi, tingkat, kode, tahun, '', nilai, batch_id FROM target"
    )
    con.execute("DROP TABLE target")
    con.execute("ALTER TABLE target_v3 RENAME TO target")
    con.execute("ALTER TABLE target_riwayat ADD COLUMN jenis VARCHAR NOT NULL DEFAULT ''")


def _migration_5(con: duckdb.DuckDBPyConnection) -> None:
    """Users, their areas and sign-in identities, and the audit trail (issue 16; kpi.access,
    kpi.auth, kpi.users, kpi.audit)."""
    con.execute(
        """
        CREATE TABLE pengguna (
            nama VARCHAR PRIMARY KEY,         -- login name
            peran VARCHAR NOT NULL,           -- a role of kpi/peran.yaml
            email VARCHAR,                    -- for single sign-on (granted by e-mail)
            sandi_hash VARCHAR,               -- argon2id; NULL: single sign-on only
            nonaktif BOOLEAN NOT NULL DEFAULT false,
            gagal INTEGER NOT NULL DEFAULT 0, -- failed attempts since the last success or lock
            terkunci_sampai TIMESTAMP,        -- locked until (UTC)
            dibuat_pada TIMESTAMP NOT NULL,
            diubah_pada TIMESTAMP NOT NULL,
            sandi_diubah_pada TIMESTAMP,
            terakhir_masuk TIMESTAMP
        )"""
    )
    con.execute(
        """
        CREATE TABLE pengguna_wilayah (
            nama VARCHAR NOT NULL,
            jenis VARCHAR NOT NULL,           -- 'lihat' (view) or 'input' (capture)
            kode VARCHAR NOT NULL,            -- province (2) or kab/kota (4) code, or 'nasional'
            PRIMARY KEY (nama, jenis, kode)
        )"""
    )
    con.execute(
        """
        CREATE TABLE identitas (
            penyedia VARCHAR NOT NULL,        -- OIDC provider (issuer)
            subjek VARCHAR NOT NULL,          -- its subject claim
            email VARCHAR,
            nama VARCHAR NOT NULL,            -- the user it signs in as
            dibuat_pada TIMESTAMP NOT NULL,
            terakhir_masuk TIMESTAMP,
            PRIMARY KEY (penyedia, subjek)
        )"""
    )
    con.execute(
        """
        CREATE TABLE jejak_audit (
            seq BIGINT PRIMARY KEY,           -- 1, 2, 3 ... without gaps
            waktu TIMESTAMP NOT NULL,         -- UTC
            pelaku VARCHAR NOT NULL,          -- actor
            peran VARCHAR,                    -- the actor's role then
            aksi VARCHAR NOT NULL,            -- kpi.audit.ACTIONS
            objek VARCHAR,
            wilayah VARCHAR,                  -- area codes, comma separated
            rincian VARCHAR NOT NULL,         -- details, canonical JSON
            hash_sebelum VARCHAR NOT NULL,    -- the previous event's hash
            hash VARCHAR NOT NULL             -- sha256 of this event's canonical form
        )"""
    )


MIGRATIONS: list[Callable[[duckdb.DuckDBPyConnection], None]] = [
    _migration_1,
    _migration_2,
    _migration_3,
    _migration_4,
    _migration_5,
]
assert len(MIGRATIONS) == SCHEMA_VERSION
