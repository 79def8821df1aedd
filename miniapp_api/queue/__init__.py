"""Queue numbers (微信取号): check-in, walk-in numbers, positions, window calls."""
