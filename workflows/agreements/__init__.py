"""Training agreements (001 §3.8, §8.1; 000 §10) and the refunds owed when a person leaves within the term."""
