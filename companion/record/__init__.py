"""The round record: the scorecard, the changes that build it, their codec and wording.

Also the rules every layer asks about a record: names, independence, flags, decisions.
Plain data; it may use ``content``, ``base`` and ``intake``.
"""
