"""Writing into a tensor is recorded too: n = (m₀², m₁³), backward(ones) gives (4, 27)."""
import torch

m = torch.tensor([[2.0, 3.0]], requires_grad=True)
n = torch.zeros(1, 2)
n[0, 0] = m[0, 0] ** 2
n[0, 1] = m[0, 1] ** 3
print("n =", n)
n.backward(torch.ones_like(n))
print("m.grad =", m.grad)   # (2·m₀, 3·m₁²) = (4, 27)
