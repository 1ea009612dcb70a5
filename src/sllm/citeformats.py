"""Citation formats beyond BibTeX register here (biblatex, CSL-JSON, RIS)."""
