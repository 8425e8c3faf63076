"""The import batches: what each brought, and whether it was undone."""

from __future__ import annotations

from kpi.queries.batches import list_batches as list_batches
