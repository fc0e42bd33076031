"""Supplier selection by the six principles of seed 002 篇五 and the yearly supplier evaluation."""
