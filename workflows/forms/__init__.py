"""Forms: the JSON Schema of each task's form and the named checks diagrams ask for.

Its own package because both sides use it: definitions check that a diagram names existing forms
and known checks, cases validate every submission against them.
"""
