"""The SpiffWorkflow boundary: parsing, state, script environment and timers.

Only this package (and the tests and benchmarks of it) imports SpiffWorkflow.
"""
