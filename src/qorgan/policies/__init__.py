"""Bundled policies and their policy tests (package data)."""
