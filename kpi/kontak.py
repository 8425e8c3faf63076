"""Contact columns of the library register, for the field teams' priority export.

The register may carry an address and a contact person (alamat, kontak_nama, kontak_telepon,
kontak_email; optional columns of the data contract, declared in kpi.schema). The read itself is
kpi.queries.register.contacts: only the columns that hold at least one value are returned, so an
export never shows empty contact columns.
"""

from __future__ import annotations

from kpi.queries.register import contacts as contacts
from kpi.schema import CONTACT_COLUMNS as CONTACT_COLUMNS
