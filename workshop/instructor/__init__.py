"""What an instructor runs before and during a class on a Kubeflow cluster (`workshop instructor ...`)."""
