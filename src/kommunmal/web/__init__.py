"""The web layer: a FastAPI app over the core. Nothing in the core imports this package."""

from kommunmal.web.app import create_app

__all__ = ["create_app"]
