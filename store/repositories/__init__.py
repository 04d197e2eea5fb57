"""The repository interface, one abstract class per domain; `store.base.Store` combines them.

Operations are named after what the domain needs, not after tables, so both engines can choose
their own atomic primitive (UPDATE … RETURNING, find_one_and_update) for each.
"""
