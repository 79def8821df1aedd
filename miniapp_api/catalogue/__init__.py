"""The catalogue's data: the guide schema, the guide files and the edition store (GuideRepository)."""
