"""Shared helpers for the benchmarks: a throwaway database, fast realistic data, memory and timing.

Benchmarks `import _common as bench` and use the names below; each lives in the module of its concern:

- database:  the environment, Django set-up and a fresh database per run (SQLite or PostgreSQL)
- processes: child processes that do only the measured work, and their memory
- figures:   percentiles, labels, verdicts, timers, timed requests and query plans
- companies: realistic companies (CompanyFactory) and the name lists behind them
- texts:     helpdesk texts in Spanish, people's names and the contacts of companies
- users:     the users benchmarks sign in as
- loading:   loading rows into any table as fast as the database allows
"""

from .companies import (
    ACTIVITIES,
    FIRST_NAMES,
    FREE_MAIL,
    MAILBOXES,
    NAMES,
    NEIGHBOURHOODS,
    PLACES,
    STREETS,
    SUFFIXES,
    SURNAMES,
    CompanyFactory,
    _base36,
    _FastRandom,
    _slug,
)
from .database import django_setup, fresh_database, vendor_label
from .figures import (
    Timer,
    count_label,
    explain,
    machine_note,
    median,
    percentile,
    timed_get,
    verdict,
)
from .loading import (
    bulk_loading,
    load_company_rows,
    load_table,
    reset_sequences,
    timestamp_text,
)
from .processes import (
    CHILD_FLAG,
    RESULT_MARK,
    child_result,
    peak_rss_mb,
    reset_peak_rss,
    rss_mb,
    run_child,
)
from .texts import (
    CONTACT_COLUMNS,
    CUSTOMER_REPLIES,
    EXACT_MESSAGES,
    MONTHS,
    NOTES,
    POSITIONS,
    REPLIES,
    SENTENCES,
    SERIES,
    SUBJECTS,
    contact_rows,
    description_text,
    person_name,
    subject_text,
)
from .users import admin_user, consultants, logged_in_client

__all__ = [
    "ACTIVITIES",
    "CHILD_FLAG",
    "CONTACT_COLUMNS",
    "CUSTOMER_REPLIES",
    "EXACT_MESSAGES",
    "FIRST_NAMES",
    "FREE_MAIL",
    "MAILBOXES",
    "MONTHS",
    "NAMES",
    "NEIGHBOURHOODS",
    "NOTES",
    "PLACES",
    "POSITIONS",
    "REPLIES",
    "RESULT_MARK",
    "SENTENCES",
    "SERIES",
    "STREETS",
    "SUBJECTS",
    "SUFFIXES",
    "SURNAMES",
    "CompanyFactory",
    "Timer",
    "_FastRandom",
    "_base36",
    "_slug",
    "admin_user",
    "bulk_loading",
    "child_result",
    "consultants",
    "contact_rows",
    "count_label",
    "description_text",
    "django_setup",
    "explain",
    "fresh_database",
    "load_company_rows",
    "load_table",
    "logged_in_client",
    "machine_note",
    "median",
    "peak_rss_mb",
    "percentile",
    "person_name",
    "reset_peak_rss",
    "reset_sequences",
    "rss_mb",
    "run_child",
    "subject_text",
    "timed_get",
    "timestamp_text",
    "verdict",
    "vendor_label",
]
