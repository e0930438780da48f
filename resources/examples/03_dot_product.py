"""y = 2·xᵀx for x = [0, 1, 2, 3]: the gradient is 4x."""
import torch

x = torch.arange(4.0, requires_grad=True)
y = 2 * torch.dot(x, x)
print("y =", y)
y.backward()
print("x.grad =", x.grad)
print("equals 4x:", x.grad == 4 * x)
