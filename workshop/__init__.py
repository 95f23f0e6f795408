"""Kubeflow Workshop: learn Kubeflow Pipelines by doing, in the terminal."""

__version__ = "0.1.0"
