"""One protocol for every background job (analysis, athlete choice, render, team training,
segmentation retraining, relabel): a row with a status, progress and a lease, claimed with a conditional
UPDATE, written only by the attempt that holds it, swept when its message or its worker was lost,
cancelled by a conditional UPDATE (or by deleting the row) that its worker notices at its next
progress report. See runner.py.

Adding a kind of job:
1. its model subclasses models.Job (FILE_FIELDS and storage_folder() when it stores files);
2. its work is `work(job, attempt)`: report progress through attempt.ProgressReporter, store
   files with attempt.store(...), end with attempt.finish(job, fields, inside=...);
3. a runner.JobType names the model, the work and a thin bound task (acks late, reject on
   worker lost) that calls tasks.follow_up(self, KIND, job_id, runner.job_run(KIND, job_id=...));
4. one line in registry.JOB_TYPES, so the sweeper sees it; start it with
   runner.job_enqueue_on_commit(KIND, job_id=...).
"""
