"""Reviewing an application instead of a file: import it (like uvicorn does) and map findings to its code."""
