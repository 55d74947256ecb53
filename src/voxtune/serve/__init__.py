"""Serving: one loaded base per model, many adapters routed per request, OpenAI-compatible endpoints
and a web page (``voxtune serve SERVE.yaml``).

``config`` (the YAML), ``catalog`` (what is served, request routing), ``service`` (loading it all),
``worker`` (the one thread models run on), ``app`` (HTTP), ``guard`` (keys and body limits),
``audio`` (formats in and out), ``metrics`` (Prometheus), ``server`` (uvicorn), ``background`` (a server
in a thread on a free local port).
"""

from voxtune.serve.config import ServeConfig, load_serve_config, serve_config

__all__ = ["ServeConfig", "load_serve_config", "serve_config"]
