"""z = (x + 2)² + 3 at x = 2: dz/dx = 2(x + 2) = 8."""
import torch

x = torch.tensor([2.0], requires_grad=True)
shifted = x + 2
z = shifted ** 2 + 3
print("z =", z)
z.backward()
print("dz/dx =", x.grad)
