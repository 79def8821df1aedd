"""Guides for residents and staff: the published-catalogue reader, guide pages, bundles, the edition workflow."""
