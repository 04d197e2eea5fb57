"""Label specifications: types and fields."""
