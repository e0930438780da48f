"""Rosenbrock's banana valley: easy to reach, slow to follow to the minimum at (1, 1).
Race optimizers on it from the Landscape page (Graph → Race Optimizers on the Landscape)."""
import torch

x = torch.tensor(-1.5, requires_grad=True)
y = torch.tensor(2.0, requires_grad=True)
params = [x, y]
z = (1 - x)**2 + 100*(y - x**2)**2
print("start: z =", z)
z.backward()
print("gradient:", [p.grad for p in params])
