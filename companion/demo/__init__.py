"""``companion demo``: a paired round (``pair``) and a team's quarter (``team``) to try.

It drives the live engine and the store like a real round would.
"""
