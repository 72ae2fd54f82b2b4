"""Pictures and words made from one trace: the textbook's visual language.

``narrate``/``narration`` (plain text, no plotting library needed), ``flowchart`` (the classic
architecture diagram) and ``animate`` (a request travelling through it, one frame per hop).
plotly and networkx are imported only when a figure is drawn.
"""
from novalab.viz.narrate import Hop, describe, hops, narrate, narration, state_path, story
from novalab.viz.architecture import flowchart
from novalab.viz.animate import animate

__all__ = ["Hop", "animate", "describe", "flowchart", "hops", "narrate", "narration",
           "state_path", "story"]
