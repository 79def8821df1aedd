"""Appeals (诉求): filed by residents, the bot and the hotline; worked off by departments."""
