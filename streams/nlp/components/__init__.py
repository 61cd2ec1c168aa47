"""spaCy components (registered factories) that make up newsmon's per-language ``nlp`` object."""
