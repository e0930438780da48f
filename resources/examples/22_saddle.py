"""A saddle, x² − y²: at y ≈ 0 the gradient hardly pushes sideways, so descent lingers
near the saddle point.
Race optimizers on it from the Landscape page (Graph → Race Optimizers on the Landscape)."""
import torch

x = torch.tensor(-1.5, requires_grad=True)
y = torch.tensor(0.001, requires_grad=True)
params = [x, y]
z = x**2 - y**2
print("start: z =", z)
z.backward()
print("gradient:", [p.grad for p in params])
