"""The bare ceiling for the load benchmark: a Flask hello-world served under the same gunicorn settings."""

from __future__ import annotations

from flask import Flask, jsonify

app = Flask(__name__)


@app.get("/hello")
def hello():
    return jsonify({"hello": "江川"})
