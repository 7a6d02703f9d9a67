"""The live-round view: ``LiveView(engine)`` and the panels it composes."""

from companion.ui.live.live_view import LiveView

__all__ = ["LiveView"]
