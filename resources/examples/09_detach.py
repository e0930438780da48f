"""detach() cuts the graph: u = y.detach() is a constant, so d(u·x)/dx = u."""
import torch

x = torch.arange(4.0, requires_grad=True)
y = x * x
u = y.detach()
z = u * x
z.sum().backward()
print("x.grad =", x.grad)
print("equals u:", x.grad == u)
