"""The portal's models, one module per area."""
from .documents import DocumentVersion

__all__ = ["DocumentVersion"]
