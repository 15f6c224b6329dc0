"""Rep files (`.sdrdesk`): export, checks, merge-import with conflicts, encryption, coaching.

No Qt. `service.RepFileService` is `Workspace.repfile`; `tables.SYNC_LOCAL_TABLES` lists the
tables that never leave this install (every other model with `id` + `updated_at` syncs).
"""
