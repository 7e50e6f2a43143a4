"""Telling people: in-app notices and email."""
