"""Open data: what each community publishes as CSV and JSON files, with their schemas."""
