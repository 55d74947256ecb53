"""Evaluation: ``metrics`` score generated or recognised speech, ``judges`` transcribe it, ``suite`` runs a
base model and its adapters over test, regression and confusion sets (``voxtune evaluate EVAL.yaml``), and
``codec`` checks what a model's audio codec keeps of a language (``voxtune evaluate codec``)."""
