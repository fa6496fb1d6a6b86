"""The Gradio web app over `kb`. Importing this package does not import gradio."""

from ui.app import build_app, launch_options, serve

__all__ = ["build_app", "serve", "launch_options"]
