"""Hall facts: halls and their categories, windows and slots; the working-day calendar; time-limit lamps."""
