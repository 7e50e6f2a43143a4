"""Registers, exports and the nonconformity journal: what HR, the centre, directors and heads read."""
