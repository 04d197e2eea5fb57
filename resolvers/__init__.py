"""Behaviour of pixano-graph: what each GraphQL field does, written against `store.Store`."""
