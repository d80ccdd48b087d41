"""The release: what it holds and says (model.py), and how much of it openlint reads (limits.py). The model depends
on nothing else in openlint; assemble.py builds it from a source through the readers."""
