"""Demo data for collection (order 40, after the ledger's step)."""


def seed_collection(ctx) -> str:
    return "collection: no demo yet"
