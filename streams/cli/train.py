"""``newsmon train``: rebuild the sentence classifier that adds recall to the claim rules."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

DEFAULT_REAL = Path("tests/data/real/hydrated/real.jsonl")
DEFAULT_WRITTEN = Path("tests/data/devset")
TRAINED_ON = "r1,r2,r3,r4,r5"  # the shipped weights; later batches stay blind until they are scored


def add_parser(sub: argparse._SubParsersAction) -> None:
    from streams.nlp.components.transfer import MODEL_DIR

    p = sub.add_parser(
        "train", help="train the transfer sentence classifier from labelled real and written articles",
        description="Train the bag-of-words sentence classifier (spaCy textcat_multilabel, CPU, about a minute) "
        "that tells which sentences carry a Russia-North Korea transfer claim and of which family. Training data: "
        "the hydrated real excerpts of the given labelling batches (run `make hydrate` first) and the written dev "
        "set. Leave the latest blind batch out until it has been scored. Same data and seed give the same weights.")
    p.add_argument("--real", type=Path, default=DEFAULT_REAL, help=f"hydrated real excerpts (default {DEFAULT_REAL})")
    p.add_argument("--batches", default=TRAINED_ON, help=f"labelling batches to train on (default {TRAINED_ON})")
    p.add_argument("--written", type=Path, default=DEFAULT_WRITTEN,
                   help=f"folder of written labelled articles (default {DEFAULT_WRITTEN}); '' for none")
    p.add_argument("--out", type=Path, default=MODEL_DIR, help="where to write the model (default: the shipped one)")
    p.add_argument("--epochs", type=int, default=12, help="passes over the data (default 12)")
    p.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from streams.nlp.transfer_classifier import TransferClassifier, read_hydrated, read_written, train

    if not args.real.exists():
        raise FileNotFoundError(f"{args.real}: no hydrated real excerpts (see `make hydrate` in the README)")
    batches = {b for b in args.batches.split(",") if b}
    texts = read_hydrated(args.real, batches)
    if not texts:
        raise ValueError(f"{args.real}: no excerpts of batches {sorted(batches)}")
    if str(args.written):
        texts += read_written(args.written)
    classifier, sentences, positives = train(texts, epochs=args.epochs, seed=args.seed)
    TransferClassifier(classifier).save(args.out)
    print(json.dumps({"texts": len(texts), "sentences": sentences, "positive_sentences": positives,
                      "batches": sorted(batches), "out": str(args.out)}))
    return 0
