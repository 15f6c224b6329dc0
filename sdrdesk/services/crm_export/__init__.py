"""CRM hand-back (issue 18): files in HubSpot, Salesforce and plain formats, and a HubSpot push.

records.py reads the book into frozen records, formats.py turns them into rows per format,
service.py writes files and keeps "since last export" marks, outbox.py and hubspot.py push to
HubSpot from an offline outbox. No Qt.
"""

from sdrdesk.services.crm_export.service import (
    SINCE_ALL,
    SINCE_LAST,
    CrmExportResult,
    CrmService,
    ExportPreview,
    parse_since,
)

__all__ = ["SINCE_ALL", "SINCE_LAST", "CrmExportResult", "CrmService", "ExportPreview", "parse_since"]
