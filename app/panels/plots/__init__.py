"""The plots: the training curves dock, loss landscapes and optimizer races."""
