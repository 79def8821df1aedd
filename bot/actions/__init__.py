"""Custom actions of the 江川市 government-service bot (run with ``rasa run actions``).

One class per action; HTTP to the API goes through ``api_client``; pure helpers live in
``dates``, ``texts`` and ``conversation`` so they are tested without a tracker.
"""

from actions import server_auth

server_auth.install()  # the token check, when imported by `rasa run actions` (see server_auth)
