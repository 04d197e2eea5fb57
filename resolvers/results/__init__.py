"""Results: listing, navigation, admin batch status changes."""
