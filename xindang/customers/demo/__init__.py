"""Demo and benchmark data: plausible Chinese companies, people, addresses and valid credit codes.
Used by `manage.py demo` and by bench/run.py only.

words         the word tables, read once from data/demo_words.json
generator     DemoGenerator: deterministic companies as plain data
organisation  the demo departments and users (ensure_departments, ensure_users, sales_owners)
seeding       generated companies saved as customer files in bulk (seed_customers, demo_updates)
"""
