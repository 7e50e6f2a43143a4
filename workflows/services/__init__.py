"""Use cases of the product. Each takes a session, an actor and a clock, flushes but never commits."""
