"""Exercises for every chapter, checked by the code they are about.

One module per chapter, one object per question (Kaggle learntools' shape)::

    from novalab.lab import ch01, ____
    ch01.q1.check(____)       # "Check: replace ____ with your answer ..."
    ch01.q1.hint()            # a nudge; hint(2) gives more away
    ch01.q1.solution()        # the worked answer and why

``check()`` returns a result that is true when the answer is right and shows itself in colour
(green "Correct", red "Incorrect: ..." with the specific mistake). Right answers are derived
from a cloud, never typed in: see :mod:`novalab.lab.reference`.
"""
from novalab.lab.exercise import Exercise, Message, Result, ____

CHAPTERS = ("ch00", "ch01", "ch02")

__all__ = ["CHAPTERS", "Exercise", "Message", "Result", "____"]
