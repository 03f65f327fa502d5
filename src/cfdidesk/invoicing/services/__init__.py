"""Every write of the invoicing pipeline goes through these functions."""

from .credits import credits_load
from .documents import document_cancel, document_hold, document_reprocess
from .environments import (
    csd_load,
    environment_create,
    environment_update,
    generator_pause,
    generator_resume,
)
from .files import EXAMPLE_CSV, EXAMPLE_JSONL, movements_file_parse, movements_upload
from .imports import FileError, ImportRefused, ImportResult, documents_import
from .intake import IntakeRefused, IntakeResult, ItemError, movements_receive
from .pipeline import pipeline_batch_run, pipeline_run, pipeline_run_all
from .transitions import ALLOWED, DocumentActions, document_actions

__all__ = [
    "ALLOWED",
    "EXAMPLE_CSV",
    "EXAMPLE_JSONL",
    "DocumentActions",
    "FileError",
    "ImportRefused",
    "ImportResult",
    "IntakeRefused",
    "IntakeResult",
    "ItemError",
    "credits_load",
    "csd_load",
    "document_actions",
    "document_cancel",
    "document_hold",
    "document_reprocess",
    "documents_import",
    "environment_create",
    "environment_update",
    "generator_pause",
    "generator_resume",
    "movements_file_parse",
    "movements_receive",
    "movements_upload",
    "pipeline_batch_run",
    "pipeline_run",
    "pipeline_run_all",
]
