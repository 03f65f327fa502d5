"""Every write of the invoicing pipeline goes through these functions."""

from .credits import balance_of, credits_load
from .documents import document_cancel, document_hold, document_reprocess
from .environments import (
    environment_create,
    environment_set_csd,
    environment_update,
    generator_pause,
    generator_resume,
)
from .files import EXAMPLE_CSV, EXAMPLE_JSONL, movements_upload, parse_movements_file
from .imports import FileError, ImportRefused, ImportResult, documents_import
from .intake import IntakeRefused, IntakeResult, ItemError, movements_receive
from .pipeline import pipeline_run, pipeline_run_all, run_batch
from .transitions import ALLOWED

__all__ = [
    "ALLOWED",
    "EXAMPLE_CSV",
    "EXAMPLE_JSONL",
    "FileError",
    "ImportRefused",
    "ImportResult",
    "IntakeRefused",
    "IntakeResult",
    "ItemError",
    "balance_of",
    "credits_load",
    "document_cancel",
    "document_hold",
    "documents_import",
    "document_reprocess",
    "environment_create",
    "environment_set_csd",
    "environment_update",
    "generator_pause",
    "generator_resume",
    "movements_receive",
    "movements_upload",
    "parse_movements_file",
    "pipeline_run",
    "pipeline_run_all",
    "run_batch",
]
