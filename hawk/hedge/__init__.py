"""The hedge tables as REST resources: a registry (data), reads, validated writes, history."""
