"""A non-scalar y needs a gradient argument: backward(g) computes the gradient of sum(g * y)."""
import torch

x = torch.tensor([[0.0, 0.0], [1.0, 2.0]], requires_grad=True)
a, b, c = torch.tensor(1.0), torch.tensor(-2.0), torch.tensor(1.0)
y = a * torch.pow(x, 2) + b * x + c
print("y =", y)

weights = torch.ones_like(y)
y.backward(gradient=weights)
print("x.grad =", x.grad)   # 2x - 2 at every entry
