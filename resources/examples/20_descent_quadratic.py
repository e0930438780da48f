"""The seed quadratic as a landscape: SGD slides x from 0 into the minimum at x = 1.
Race optimizers on it from the Landscape page (Graph → Race Optimizers on the Landscape)."""
import torch

x = torch.tensor(0.0, requires_grad=True)
params = [x]
z = x**2 - 2*x + 1
print("start: z =", z)
z.backward()
print("gradient:", [p.grad for p in params])
