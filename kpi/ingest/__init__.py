"""The importer: read -> find header -> map columns -> parse values -> validate -> plan -> commit.

One module per step; ``plan_import`` is the dry run (writes nothing), ``commit`` writes a plan as
one batch in one transaction, ``undo`` reverses a batch.
"""

from __future__ import annotations

from kpi.ingest.commit import CommitResult, commit
from kpi.ingest.messages import Message, RefusalError
from kpi.ingest.plan import Plan, plan_import, save_mapping
from kpi.ingest.undo import UndoResult, undo

__all__ = [
    "CommitResult",
    "Message",
    "Plan",
    "RefusalError",
    "UndoResult",
    "commit",
    "plan_import",
    "save_mapping",
    "undo",
]
