"""The embedded local backend: kfp.local, local volumes, SeaweedFS, KServe's model server."""
