"""Minimise f(x) = x² − 2x + 1 with SGD: 500 steps take x from 0 to the minimum at 1."""
import torch

x = torch.tensor(0.0, requires_grad=True)
a, b, c = torch.tensor(1.0), torch.tensor(-2.0), torch.tensor(1.0)
optimizer = torch.optim.SGD(params=[x], lr=0.01)


def f(x):
    return a * torch.pow(x, 2) + b * x + c


for _ in range(500):
    optimizer.zero_grad()
    y = f(x)
    y.backward()
    optimizer.step()

print("x =", x.data, "f(x) =", f(x).data)
