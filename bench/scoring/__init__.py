"""Pure scoring functions of the real-footage scoreboard (bench/realworld.py): truth files
(:mod:`.truth`), people and tracks (:mod:`.people`), measures (:mod:`.measures`), actions
(:mod:`.actions`) and masks (:mod:`.masks`). NumPy only; nothing here runs the analysis."""
