"""Printable documents the product issues (the order), with the fonts they embed."""
