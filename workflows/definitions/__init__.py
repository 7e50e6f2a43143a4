"""Process definitions: validating diagrams, drafts, publishing versions, the catalog of what is
published, and comparing versions."""
