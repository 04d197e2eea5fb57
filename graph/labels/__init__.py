"""Labels and label statistics: types and fields."""
