"""The progress mirror, re-exported from where it lives now (kept while the imports move).

The snapshot and restore are the core's (workshop/core/progress_mirror.py); the ConfigMap
codec is the cluster backend's (workshop/backends/cluster/progress_configmap.py).
"""

from __future__ import annotations

from workshop.backends.cluster.progress_configmap import CONFIGMAP, DATA_KEY, SELECTOR, configmap_body, parse_configmap
from workshop.core.progress_mirror import FIELDS, own_code, pull, push, restore, snapshot

__all__ = ["CONFIGMAP", "DATA_KEY", "FIELDS", "SELECTOR", "configmap_body", "own_code", "parse_configmap", "pull",
           "push", "restore", "snapshot"]
