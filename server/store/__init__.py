"""Every SQL statement and ORM call: entries, quotas, closure, rollup, releases."""
