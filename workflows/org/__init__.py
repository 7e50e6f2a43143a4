"""The organisation: units, people, the roles they hold in units, deputies, and sign-in accounts."""
