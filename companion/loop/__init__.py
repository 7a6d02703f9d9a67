"""The loop: one candidate's planned rounds, each with its interviewer, as plain data.

``model`` is the loop record a panel lead plans and assigns (and its one JSON form,
read back through the intake's bounded reader); ``status`` says which rounds are not
started, in progress, submitted or published, who is late and when the loop needs a
decision; ``coverage`` which of the archetype's dimensions each round measures;
``harvest`` the hand-off file for an applicant tracking system. No Qt, no database.
"""
