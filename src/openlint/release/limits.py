"""How much of a release openlint reads: one set of limits, whatever the source."""

CARD_BYTES = 1_000_000  # 30x the largest real card in the corpus; a larger card is read up to here and reported
TEXT_BYTES = 1_000_000  # licence texts, use policies, declarations
CONFIG_BYTES = 5_000_000  # config.json of large multimodal models reaches a few hundred KB
INDEX_BYTES = 16 * 1024 * 1024  # a shard index maps every tensor to its file: DeepSeek-V3's, one of the largest, is ~9 MB
MAX_LINKED = 50  # Hub datasets and models looked up per check
MAX_HOPS = 4  # base models followed, base of base of ...
MAX_BASES = 8  # base models read per hop (a merge names several parents)
