"""Operations and shared facts: health checks and GET /api/v1/meta."""
