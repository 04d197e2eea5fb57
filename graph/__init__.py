"""HTTP and GraphQL layer of pixano-graph: Strawberry types, the schema and the aiohttp wiring."""
