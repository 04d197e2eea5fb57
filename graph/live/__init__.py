"""Live updates: the event bus, GraphQL subscriptions and the graphql-transport-ws door."""
