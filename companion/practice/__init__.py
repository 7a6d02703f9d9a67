"""Practice sets: frame-of-reference rater training on the pack's sample answers.

Plain Python (no Qt): ``draw`` picks a set of sample answers in which every level
appears, ``scoring`` compares ratings with the levels the answers were written to
show, ``session`` runs one set (rate, then reveal), and ``history`` keeps results in
tables of their own, apart from every candidate's round.
"""
