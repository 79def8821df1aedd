"""Importers of real service-item catalogues (a province's JSON-lines export, our Excel template).

Pure modules: they read files and return guide dicts plus row issues; publishing them as editions
is the caller's job.
"""
