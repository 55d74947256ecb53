"""Where input items come from: folders of audio, table manifests (csv/tsv/jsonl), URLs, known corpora."""
