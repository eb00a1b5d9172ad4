"""PyTorch's ``torch.utils`` path: ``mg.utils.data`` holds ``TensorDataset`` and ``DataLoader``.

>>> import minigrad as mg
>>> mg.utils.data.DataLoader is mg.utils.data.DataLoader
True
"""

from . import data

__all__ = ["data"]
