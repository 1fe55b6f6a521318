"""Demo seeding for `huakai demo`: the CLI is its only user."""
