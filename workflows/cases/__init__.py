"""Cases: starting them, their steps and side effects, submissions with files, the inbox, access,
orders and documents."""
