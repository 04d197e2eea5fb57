"""The job workflow: claiming the next job, updating one, admin batches."""
