"""Paired cross-validation of actor-model variants against the stored model, TRAINING part only.

The same folds as ``bench/router_cv.py`` (StratifiedKFold over ``train.jsonl``, random_state =
shuffle); each fold trains the stored model exactly as ``train_router --no-history`` does
(``training.train``) and, on the same examples, the variants below; every variant's actor
probabilities go through the same engine decision (county 01, threshold 0.5, the stored model's
topics). Reported per variant: model alone and combined accuracy, front door, and against the
stored model the predictions and the distinct questions gained and lost (a question counts once,
by its net move over the shuffles) with a two-sided sign test. The held-out part is never read.

The stored model ("base") is the char_wb logistic regression that ``train_router`` trains on
main; the four-member ensemble (``quad_geo``) was built on branch router-14e and not merged
(docs/benchmarks.md, round of 30 Nov 21:13–22:00 UTC).

    .venv/bin/python bench/router_cv_variants.py [--variants word_geo,nb_mean,...] [--dump F]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

VARIANTS = (
    "word",  # word TF-IDF (+ compound tails) LR alone
    "word_geo",  # geometric mean (averaged calibrated logits, recalibrated) of stored + word
    "word_mean",  # arithmetic mean of the calibrated probabilities of stored + word
    "nb",  # multinomial NB on words (+ tails) alone
    "nb_mean",  # arithmetic mean of stored + NB
    "nb_geo",
    "char",  # analyzer "char" (crosses word boundaries) 2-5 instead of char_wb
    "char_geo",  # stored (char_wb) + char, geometric
    "mindf2",  # char_wb with min_df=2
    "maxdf05",  # char_wb with max_df=0.5
    "notsub",  # char_wb without sublinear tf
    "hier",  # region vs the rest, then the actor among the rest (char_wb features)
    "knn_mean",  # stored + k nearest training questions (cosine on char_wb tf-idf), mean
    "triple_geo",  # stored + word + char, geometric (weights (1 - a), a/2, a/2)
    "triple_stack",  # stored + word + char, one weight per model fitted on inner out-of-fold logits
    "quad_geo",  # stored + word + char + NB, equal weights, recalibrated
    "aug_drop",  # stored model trained with one extra copy of each question, one word dropped
)


TAILS = [4, 8]
BIGRAMS = [False]


def tails(text: str) -> list[str]:
    """Words of the preprocessed question and, for words longer than k, their last k chars
    (k = lo..hi) as extra tokens: the heads of Swedish compounds ("exportkreditgarantin")."""
    from routing.learning.features import preprocess

    lo, hi = TAILS
    tokens: list[str] = []
    words = preprocess(text).split()
    for word in words:
        tokens.append(word)
        for k in range(lo, hi + 1):
            if len(word) > k:
                tokens.append("~" + word[-k:])
    if BIGRAMS[0]:
        tokens.extend(f"{a} {b}" for a, b in zip(words, words[1:], strict=False))
    return tokens


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--folds", type=int, default=5)
    parser.add_argument("--shuffles", type=int, default=2)
    parser.add_argument("--threshold", type=float, default=0.5)
    parser.add_argument("--county", default="01")
    parser.add_argument("--variants", default=",".join(VARIANTS))
    parser.add_argument("--word-c", type=float, default=20.0)
    parser.add_argument("--nb-alpha", type=float, default=0.1)
    parser.add_argument("--weight", type=float, default=0.5, help="weight of the second model")
    parser.add_argument("--dump", default="")
    parser.add_argument(
        "--first-shuffle", type=int, default=0, help="random_state of the first shuffle"
    )
    parser.add_argument("--tails", default="4,8", help="compound tails lo,hi (0,0: none)")
    parser.add_argument("--bigrams", action="store_true", help="word bigrams too")
    args = parser.parse_args()
    lo, hi = (int(x) for x in args.tails.split(","))
    TAILS[:] = [lo, hi] if lo else [1, 0]
    BIGRAMS[0] = args.bigrams
    chosen_variants = [v for v in args.variants.split(",") if v]

    os.environ.setdefault("OMP_NUM_THREADS", "1")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "exportcentrum.settings")
    import django

    django.setup()

    import numpy as np
    from scipy.optimize import minimize_scalar
    from scipy.stats import binomtest
    from sklearn.feature_extraction.text import CountVectorizer, TfidfVectorizer
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import StratifiedKFold, cross_val_predict
    from sklearn.naive_bayes import MultinomialNB
    from threadpoolctl import threadpool_limits

    from routing.engine import QuestionFacts
    from routing.learning.features import NGRAM_RANGE, preprocess
    from routing.learning.model import RouterPrediction, RouterPredictor
    from routing.learning.store import advice_from
    from routing.learning.training import (
        ACTOR_C,
        MAX_EXAMPLES,
        Example,
        _distinct,
        corpus_rows,
        rule_keyword_examples,
        train,
    )
    from routing.rules import route_question

    rows = corpus_rows("train")
    labels = [r["actors"][0] for r in rows]
    keywords = rule_keyword_examples()

    def example(r: dict) -> Example:
        return Example(r["text"], r["actors"][0], tuple(r["topics"]), "corpus")

    def softmax(z: np.ndarray) -> np.ndarray:
        z = z - z.max(axis=1, keepdims=True)
        e = np.exp(z)
        return e / e.sum(axis=1, keepdims=True)

    def fit_t(logits: np.ndarray, y: np.ndarray, w: np.ndarray) -> float:
        rows_ = np.arange(len(y))

        def loss(t: float) -> float:
            s = logits / t
            s = s - s.max(axis=1, keepdims=True)
            lp = s[rows_, y] - np.log(np.exp(s).sum(axis=1))
            return float(-(w * lp).sum() / w.sum())

        return float(minimize_scalar(loss, bounds=(0.05, 10.0), method="bounded").x)

    inner = StratifiedKFold(3, shuffle=True, random_state=0)

    def lr_component(vec, texts, y, w, test_texts, c=ACTOR_C, calibrate=True):
        """(calibrated test logits, out-of-fold calibrated train logits) of vec + LR."""
        m = vec.fit_transform(texts)
        model = LogisticRegression(C=c, max_iter=2_000).fit(m, y, sample_weight=w)
        oof = cross_val_predict(
            LogisticRegression(C=c, max_iter=2_000),
            m,
            y,
            cv=inner,
            method="decision_function",
            params={"sample_weight": w},
        )
        t = fit_t(oof, y, w) if calibrate else 1.0
        return model.decision_function(vec.transform(test_texts)) / t, oof / t

    def nb_component(texts, y, w, test_texts):
        vec = CountVectorizer(analyzer=tails)
        m = vec.fit_transform(texts)
        model = MultinomialNB(alpha=args.nb_alpha).fit(m, y, sample_weight=w)
        oof = cross_val_predict(
            MultinomialNB(alpha=args.nb_alpha),
            m,
            y,
            cv=inner,
            method="predict_log_proba",
            params={"sample_weight": w},
        )
        t = fit_t(oof, y, w)
        return model.predict_log_proba(vec.transform(test_texts)) / t, oof / t

    def charvec(**kw):
        base = {
            "analyzer": "char_wb",
            "ngram_range": NGRAM_RANGE,
            "preprocessor": preprocess,
            "sublinear_tf": True,
            "max_features": 40_000,
            "dtype": np.float64,
        }
        base.update(kw)
        return TfidfVectorizer(**base)

    def wordvec():
        return TfidfVectorizer(analyzer=tails, sublinear_tf=True, dtype=np.float64)

    # outcomes[variant][(shuffle, text)] = (model right, combined right, front door)
    outcomes: dict[str, dict] = defaultdict(dict)
    stack_weights: list = []
    for shuffle in range(args.first_shuffle, args.first_shuffle + args.shuffles):
        folds = StratifiedKFold(args.folds, shuffle=True, random_state=shuffle)
        for k, (train_idx, test_idx) in enumerate(folds.split(rows, labels)):
            train_rows = [rows[i] for i in train_idx]
            test_rows = [rows[i] for i in test_idx]
            examples = [example(r) for r in train_rows] + keywords
            result = train(examples)
            predictor = RouterPredictor(result.payload)
            classes = list(predictor.actor_classes)
            base_pred = [predictor.predict(r["text"]) for r in test_rows]
            base_p = np.array(
                [[dict(p.actors)[c] for c in classes] for p in base_pred], dtype=np.float64
            )
            distinct, w = _distinct(examples, MAX_EXAMPLES)
            texts = [e.text for e in distinct]
            y = np.array([classes.index(e.actor) for e in distinct])
            test_texts = [r["text"] for r in test_rows]
            probs: dict[str, np.ndarray] = {"base": base_p}
            need = set(chosen_variants)
            with threadpool_limits(1):
                base_z = base_oof = None
                if need & {"word_geo", "nb_geo", "char_geo", "triple_geo", "triple_stack"} | {
                    "quad_geo"
                }:
                    base_z, base_oof = lr_component(charvec(), texts, y, w, test_texts)

                def geo(z2, oof2, name, base_z=base_z, base_oof=base_oof, y=y, w=w, probs=probs):
                    a = args.weight
                    t = fit_t((1 - a) * base_oof + a * oof2, y, w)
                    probs[name] = softmax(((1 - a) * base_z + a * z2) / t)

                if need & {"word", "word_geo", "word_mean"}:
                    z, oof = lr_component(wordvec(), texts, y, w, test_texts, c=args.word_c)
                    probs["word"] = softmax(z)
                    probs["word_mean"] = (1 - args.weight) * base_p + args.weight * softmax(z)
                    if "word_geo" in need:
                        geo(z, oof, "word_geo")
                if need & {"nb", "nb_mean", "nb_geo"}:
                    z, oof = nb_component(texts, y, w, test_texts)
                    probs["nb"] = softmax(z)
                    probs["nb_mean"] = (1 - args.weight) * base_p + args.weight * softmax(z)
                    if "nb_geo" in need:
                        geo(z, oof, "nb_geo")
                if need & {"char", "char_geo"}:
                    z, oof = lr_component(charvec(analyzer="char"), texts, y, w, test_texts)
                    probs["char"] = softmax(z)
                    if "char_geo" in need:
                        geo(z, oof, "char_geo")
                if "mindf2" in need:
                    probs["mindf2"] = softmax(
                        lr_component(charvec(min_df=2), texts, y, w, test_texts)[0]
                    )
                if "maxdf05" in need:
                    probs["maxdf05"] = softmax(
                        lr_component(charvec(max_df=0.5), texts, y, w, test_texts)[0]
                    )
                if "notsub" in need:
                    probs["notsub"] = softmax(
                        lr_component(charvec(sublinear_tf=False), texts, y, w, test_texts)[0]
                    )
                if "hier" in need:
                    region = classes.index("region")
                    vec = charvec()
                    m = vec.fit_transform(texts)
                    mt = vec.transform(test_texts)
                    is_r = (y == region).astype(int)
                    # Calibrate each step by its own temperature, out of fold.
                    lr = LogisticRegression(C=ACTOR_C, max_iter=2_000)
                    zr = lr.fit(m, is_r, sample_weight=w).decision_function(mt)
                    oof_r = cross_val_predict(
                        LogisticRegression(C=ACTOR_C, max_iter=2_000), m, is_r, cv=inner,
                        method="decision_function", params={"sample_weight": w},
                    )  # fmt: skip
                    two = np.stack([-oof_r / 2, oof_r / 2], axis=1)
                    tr = fit_t(two, is_r, w)
                    pr = 1 / (1 + np.exp(-zr / tr))
                    rest = y != region
                    others = [i for i in range(len(classes)) if i != region]
                    yr = np.array([others.index(v) for v in y[rest]])
                    zo, _ = lr_component_matrix(m[rest], yr, w[rest], mt, inner, fit_t)
                    po = softmax(zo)
                    p = np.zeros((len(test_texts), len(classes)))
                    p[:, region] = pr
                    p[:, others] = (1 - pr)[:, None] * po
                    probs["hier"] = p
                if "knn_mean" in need:
                    vec = charvec()
                    m = vec.fit_transform(texts)
                    sims = (vec.transform(test_texts) @ m.T).toarray()
                    p = np.full((len(test_texts), len(classes)), 0.01)
                    for i in range(len(test_texts)):
                        top = np.argsort(-sims[i])[:10]
                        for j in top:
                            p[i, y[j]] += sims[i, j] ** 2 * w[j]
                    p /= p.sum(axis=1, keepdims=True)
                    probs["knn"] = p
                    probs["knn_mean"] = (1 - args.weight) * base_p + args.weight * p
                if "triple_geo" in need:
                    zw, oofw = lr_component(wordvec(), texts, y, w, test_texts, c=args.word_c)
                    zc, oofc = lr_component(charvec(analyzer="char"), texts, y, w, test_texts)
                    a = args.weight
                    oof = (1 - a) * base_oof + a / 2 * (oofw + oofc)
                    t = fit_t(oof, y, w)
                    probs["triple_geo"] = softmax(((1 - a) * base_z + a / 2 * (zw + zc)) / t)
                if need & {"triple_stack", "quad_geo"}:
                    zw, oofw = lr_component(wordvec(), texts, y, w, test_texts, c=args.word_c)
                    zc, oofc = lr_component(charvec(analyzer="char"), texts, y, w, test_texts)
                    if "triple_stack" in need:
                        from scipy.optimize import minimize

                        oofs = np.stack([base_oof, oofw, oofc])
                        rows_ = np.arange(len(y))

                        def stack_loss(a, oofs=oofs, rows_=rows_, y=y, w=w):
                            s_ = np.tensordot(a, oofs, axes=1)
                            s_ = s_ - s_.max(axis=1, keepdims=True)
                            lp = s_[rows_, y] - np.log(np.exp(s_).sum(axis=1))
                            return float(-(w * lp).sum() / w.sum())

                        a = minimize(
                            stack_loss, np.full(3, 1 / 3), bounds=[(0, 5)] * 3, method="L-BFGS-B"
                        ).x
                        stack_weights.append(a.round(3).tolist())
                        probs["triple_stack"] = softmax(
                            np.tensordot(a, np.stack([base_z, zw, zc]), axes=1)
                        )
                    if "quad_geo" in need:
                        zn, oofn = nb_component(texts, y, w, test_texts)
                        t = fit_t((base_oof + oofw + oofc + oofn) / 4, y, w)
                        probs["quad_geo"] = softmax((base_z + zw + zc + zn) / 4 / t)
                if "aug_drop" in need:
                    rng = random.Random(1000 * shuffle + k)
                    aug = list(examples)
                    for ex in examples:
                        if ex.source != "corpus":
                            continue
                        words = ex.text.split()
                        if len(words) < 4:
                            continue
                        del words[rng.randrange(len(words))]
                        aug.append(Example(" ".join(words), ex.actor, ex.topics, "aug"))
                    probs["aug_drop"] = base_probs_of(train(aug).payload, test_texts, classes)
            for name, p in probs.items():
                for i, r in enumerate(test_rows):
                    order = np.argsort(-p[i], kind="stable")
                    actors = tuple((classes[j], float(p[i, j])) for j in order)
                    pred = RouterPrediction(actors=actors, topics=base_pred[i].topics)
                    advice = advice_from(pred, threshold=args.threshold)
                    facts = QuestionFacts(county_code=args.county, text=r["text"])
                    d = route_question(facts, advice=advice)
                    expected = r["actors"][0]
                    outcomes[name][(shuffle, r["text"])] = (
                        pred.actor == expected,
                        d.chosen_actor == expected,
                        bool(d.fallback_to_front_door),
                    )
            print(f"shuffle {shuffle} fold {k}: done", file=sys.stderr, flush=True)

    base = outcomes["base"]
    n = len(base)
    print(f"training part: {len(rows)} questions, {args.folds}-fold x {args.shuffles}: {n}")
    for name in ["base"] + [v for v in outcomes if v != "base"]:
        o = outcomes[name]
        line = [f"{name:9s}"]
        for j, label in ((0, "model"), (1, "combined")):
            acc = sum(v[j] for v in o.values()) / n
            gained = sum(1 for key, v in o.items() if v[j] and not base[key][j])
            lost = sum(1 for key, v in o.items() if not v[j] and base[key][j])
            net: dict[str, int] = defaultdict(int)
            for (s, text), v in o.items():
                net[text] += int(v[j]) - int(base[(s, text)][j])
            dg = sum(1 for x in net.values() if x > 0)
            dl = sum(1 for x in net.values() if x < 0)
            p = binomtest(dg, dg + dl).pvalue if dg + dl else 1.0
            line.append(f"{label} {acc:.3f} ({gained}/{lost}; distinct {dg}/{dl}, p={p:.3g})")
        fd = sum(v[2] for v in o.values()) / n
        line.append(f"front door {fd:.3f}")
        print("  ".join(line), flush=True)
    if stack_weights:
        print("stacking weights (stored, word, char) per fold:", stack_weights)
    if args.dump:
        Path(args.dump).write_text(
            json.dumps({k: [[s, t, *v] for (s, t), v in o.items()] for k, o in outcomes.items()}),
            encoding="utf-8",
        )


def lr_component_matrix(m, y, w, mt, inner, fit_t):
    from sklearn.linear_model import LogisticRegression
    from sklearn.model_selection import cross_val_predict

    from routing.learning.training import ACTOR_C

    model = LogisticRegression(C=ACTOR_C, max_iter=2_000).fit(m, y, sample_weight=w)
    oof = cross_val_predict(
        LogisticRegression(C=ACTOR_C, max_iter=2_000),
        m,
        y,
        cv=inner,
        method="decision_function",
        params={"sample_weight": w},
    )
    t = fit_t(oof, y, w)
    return model.decision_function(mt) / t, oof / t


def base_probs_of(payload, texts, classes):
    import numpy as np

    from routing.learning.model import RouterPredictor

    pred = RouterPredictor(payload)
    return np.array(
        [[dict(pred.predict(t).actors)[c] for c in classes] for t in texts], dtype=np.float64
    )


if __name__ == "__main__":
    main()
