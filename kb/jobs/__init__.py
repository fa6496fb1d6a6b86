"""Ingest as a background job: jobs and their files in the catalog, a runner that commits each file in
the transaction that marks it done, and a worker that runs jobs in the server's background (and
resumes those a crash or a restart interrupted). `kb jobs` lists them."""

from kb.jobs.store import Job, JobFile, JobStore
from kb.jobs.worker import JobWorker, create_add_job, create_reread_job

__all__ = ["Job", "JobFile", "JobStore", "JobWorker", "create_add_job", "create_reread_job"]
