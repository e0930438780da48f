"""Beale's function: a wide flat plateau with steep edges; the minimum is z = 0 at (3, 0.5).
Race optimizers on it from the Landscape page (Graph → Race Optimizers on the Landscape)."""
import torch

x = torch.tensor(1.0, requires_grad=True)
y = torch.tensor(1.5, requires_grad=True)
params = [x, y]
z = (1.5 - x + x*y)**2 + (2.25 - x + x*y**2)**2 + (2.625 - x + x*y**3)**2
print("start: z =", z)
z.backward()
print("gradient:", [p.grad for p in params])
