"""The one corpus model: lhotse cuts (recordings + supervisions + custom fields) in lazy JSONL manifests."""

from voxtune.corpus.folder import Corpus
from voxtune.corpus.ledger import Rejection
from voxtune.corpus.manifest import read_cuts, write_cuts
from voxtune.corpus.stats import CorpusStats, compute_stats

__all__ = ["Corpus", "CorpusStats", "Rejection", "compute_stats", "read_cuts", "write_cuts"]
