"""Results of a task (the workflow state of each item): types and fields."""
