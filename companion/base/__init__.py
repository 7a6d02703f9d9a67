"""The app's plumbing: errors, data folders, bundled assets, logs, atomic files, settings.

No domain knowledge lives here. It may use only ``companion.intake`` (bounded readers).
"""
