"""One protocol for every background job (analysis, render, training, relabel): a row with a
status, progress and a lease, claimed with a conditional UPDATE, written only by the attempt that
holds it, swept when its message or its worker was lost. See runner.py."""
