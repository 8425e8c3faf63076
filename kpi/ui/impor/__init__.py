"""The Impor data page: upload, dry-run report, value and column mappings, commit, history and undo.

common (messages, labels, the template), report (the dry run's report and preview), values (the
value mappings chosen on the page), mappings (saved column and value mappings), history (batches
and undo), page (the tabs, the upload and each file's sheets)."""

from kpi.ui.impor.common import UPLOAD_TYPES
from kpi.ui.impor.history import NO_USER
from kpi.ui.impor.page import render
from kpi.ui.impor.report import PREVIEW_ROWS
from kpi.ui.impor.values import MAX_VALUES_SHOWN, VALUE_CHOICES, VALUE_SEEN, _value_key

__all__ = [
    "MAX_VALUES_SHOWN",
    "NO_USER",
    "PREVIEW_ROWS",
    "UPLOAD_TYPES",
    "VALUE_CHOICES",
    "VALUE_SEEN",
    "_value_key",
    "render",
]
