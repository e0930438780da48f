"""A ravine: curvature 50 across, 1 along. SGD must keep lr < 0.04, so it crawls along the floor.
Race optimizers on it from the Landscape page (Graph → Race Optimizers on the Landscape)."""
import torch

x = torch.tensor(-4.0, requires_grad=True)
y = torch.tensor(1.0, requires_grad=True)
params = [x, y]
z = 0.5*x**2 + 25*y**2
print("start: z =", z)
z.backward()
print("gradient:", [p.grad for p in params])
