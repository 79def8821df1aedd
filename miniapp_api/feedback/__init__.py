"""Ratings (好差评) and the callbacks (回访) they open."""
