"""Live updates for open browser pages: Flask publishes small events on Redis pub/sub
(``publish.py``), a separate asyncio process holds the many idle Server-Sent-Events connections
(``server.py``) so they never occupy the API's request threads, and short-lived signed tickets
(``tickets.py``) let the Flask side say which staff topics a page may follow.

Events are *signals* (what changed: ids, counts, versions), never content: a page that receives one
fetches the details over the authenticated Flask side. So a leaked ticket shows little, and nothing
personal passes through this service.
"""
