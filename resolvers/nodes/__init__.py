"""Global object identification: `node(id:)` and `nodes(ids:)`."""
