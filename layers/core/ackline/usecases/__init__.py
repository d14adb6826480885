"""Use cases: one function per thing the product does, taking its ports as arguments."""
