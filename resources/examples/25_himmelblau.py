"""Himmelblau's function has four minima; started beside its maximum, SGD rolls into (−3.78, −3.28).
Race optimizers on it from the Landscape page (Graph → Race Optimizers on the Landscape)."""
import torch

x = torch.tensor(-0.3, requires_grad=True)
y = torch.tensor(-0.9, requires_grad=True)
params = [x, y]
z = (x**2 + y - 11)**2 + (x + y**2 - 7)**2
print("start: z =", z)
z.backward()
print("gradient:", [p.grad for p in params])
