"""Django's own floor: a bare project with one JSON view, served like IndigoMed (bench/cycle.py)."""
