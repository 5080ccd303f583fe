"""Rules over plain values: flags, indices, periods, regions, anonymity, access. No web, ORM or settings."""
