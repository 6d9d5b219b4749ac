"""The meetings pages, split by what they show; urls.py imports the modules."""
