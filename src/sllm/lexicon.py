"""Topic words a researcher types, and what they mean in the catalog's vocabulary.

Titles do not always say what a model is for ("Making the Most of Text Semantics
to Improve Biomedical Vision-Language Processing" is a chest X-ray model), while
every record has domains and modalities. So :mod:`sllm.search` expands a query
word into vocabulary terms and matches those too: ``radiology`` is medicine and
vision, ``drug`` is molecules and chemistry, ``judgment`` is law.

This table is kept by hand. An entry should hold whenever the word is used (a
practitioner who types it means these terms); a word that also names something
else (``cell`` is a battery part as well) stays out. The loose spellings of the
vocabulary itself (``legal``, ``proteins``, ``smiles`` ...) come from ``vocab``
and need no entry here. Keys are lower case, stemmed like query words (no
plural ``s``); a key of two words matches two query words in a row.
"""

from __future__ import annotations

#: word or phrase -> vocabulary terms (domains and modalities).
TOPICS: dict[str, tuple[str, ...]] = {
    # medicine and medical imaging
    "radiology": ("medicine", "vision"), "radiological": ("medicine", "vision"),
    "radiograph": ("medicine", "vision"), "radiography": ("medicine", "vision"),
    "radiologist": ("medicine", "vision"), "x ray": ("medicine", "vision"),
    "xray": ("medicine", "vision"), "chest": ("medicine",), "cxr": ("medicine", "vision"),
    "ct": ("medicine", "vision"), "mri": ("medicine", "vision"),
    "mammography": ("medicine", "vision"), "ultrasound": ("medicine", "vision"),
    "pathology": ("medicine", "vision"), "histopathology": ("medicine", "vision"),
    "dermatology": ("medicine", "vision"), "ophthalmology": ("medicine", "vision"),
    "medical imaging": ("medicine", "vision"), "medical image": ("medicine", "vision"),
    "patient": ("medicine",), "ehr": ("medicine",), "hospital": ("medicine",),
    "doctor": ("medicine",), "physician": ("medicine",), "diagnosis": ("medicine",),
    "disease": ("medicine",), "nursing": ("medicine",), "pubmed": ("medicine",),
    "usmle": ("medicine",), "medqa": ("medicine",), "surgery": ("medicine",),
    "pharmacy": ("medicine",), "clinician": ("medicine",),
    # molecules, drugs and chemistry
    "drug": ("molecule", "chemistry"), "drug discovery": ("molecule", "chemistry"),
    "molecular": ("molecule", "chemistry"), "compound": ("molecule", "chemistry"),
    "selfie": ("molecule",), "reaction": ("chemistry", "molecule"),
    "retrosynthesis": ("chemistry", "molecule"), "synthesis": ("chemistry",),
    "catalyst": ("chemistry", "materials"),
    # biology: sequences and cells
    "gene": ("biology",), "genetic": ("biology",), "nucleotide": ("dna", "biology"),
    "dna": ("biology",), "rna": ("biology",), "protein": ("biology",),
    "genomic": ("dna", "biology"), "enzyme": ("protein", "biology"),
    "antibody": ("protein", "biology"), "peptide": ("protein", "biology"),
    "amino acid": ("protein", "biology"), "single cell": ("multiomics", "biology"),
    "singlecell": ("multiomics", "biology"), "scrna": ("multiomics", "biology"),
    "scrna seq": ("multiomics", "biology"), "transcriptomic": ("multiomics", "biology"),
    "transcriptome": ("multiomics", "biology"), "gene expression": ("multiomics", "biology"),
    "cell type": ("multiomics", "biology"),
    # materials, physics, earth
    "crystal": ("materials",), "alloy": ("materials",), "polymer": ("materials", "chemistry"),
    "battery": ("materials",), "astronomy": ("physics",), "astrophysic": ("physics",),
    "astronomical": ("physics",), "cosmology": ("physics",), "particle": ("physics",),
    "forecast": ("climate", "geoscience"), "forecasting": ("climate", "geoscience"),
    "precipitation": ("climate", "geoscience"), "ocean": ("geoscience",),
    "remote sensing": ("geoscience", "vision"), "satellite": ("geoscience", "vision"),
    "geospatial": ("geoscience",), "urban": ("geoscience",),
    # mathematics
    "theorem": ("mathematics",), "proof": ("mathematics",), "prover": ("mathematics",),
    "proving": ("mathematics",), "lean": ("mathematics",), "isabelle": ("mathematics",),
    "arithmetic": ("mathematics",), "algebra": ("mathematics",), "geometry": ("mathematics",),
    "math word problem": ("mathematics",), "word problem": ("mathematics",),
    "formula": ("mathematics",), "gsm8k": ("mathematics",),
    # law
    "law": ("law",), "lawyer": ("law",), "judgment": ("law",), "judgement": ("law",),
    "court": ("law",), "statute": ("law",), "contract": ("law",), "judicial": ("law",),
    "jurisprudence": ("law",), "litigation": ("law",), "case law": ("law",),
    # finance
    "stock": ("finance",), "market": ("finance",), "trading": ("finance",),
    "investment": ("finance",), "bank": ("finance",), "banking": ("finance",),
    "accounting": ("finance",), "earnings": ("finance",),
    # education
    "tutor": ("education",), "tutoring": ("education",), "student": ("education",),
    "classroom": ("education",), "homework": ("education",),
    # code
    "code completion": ("code",), "program synthesis": ("code",), "program": ("code",),
    "python": ("code",), "github": ("code",), "repository": ("code",), "sql": ("code",),
    "code generation": ("code",),
}
