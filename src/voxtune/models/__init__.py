"""Model families voxtune adapts; each subpackage holds one family's weights and naming code."""
