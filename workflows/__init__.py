"""The workflow core of Biliktilik: storage, the SpiffWorkflow engine boundary and the services.

Nothing here imports Flask. Services take an explicit session, actor and clock and
return plain dataclasses; the web app, the worker, the CLI and the tests all call them.
"""
