"""The hello-world Flask app `bench/load.py` measures the site against, under the same gunicorn."""

from flask import Flask

app = Flask(__name__)


@app.get("/")
def hello() -> str:
    return "Hello, world!"
