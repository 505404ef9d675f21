"""Workflows across models (STYLE 6): plain functions with keyword-only arguments."""
