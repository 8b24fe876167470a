"""Reports as data: the quarterly report, the annual review and the SeNe suivi table.

A report is sections of typed columns and rows, headline figures, charts and the decisions the committee
must take. The HTML preview, the PDF, ODS, XLSX and CSV writers (indicators.exports) all read this one
structure, so they cannot disagree. Each builder makes a fixed number of queries whatever the plan's size.
What the builders share (the actions as reported, the common sections) is in indicators.reports.common.
"""

from indicators.reports.annual import annual_review
from indicators.reports.base import Column, Report, Section
from indicators.reports.quarter import quarter_report
from indicators.reports.suivi import SUIVI_HEADERS, suivi_table

__all__ = ["SUIVI_HEADERS", "Column", "Report", "Section", "annual_review", "quarter_report", "suivi_table"]
