"""f(x) = x² − 2x + 1 at x = 0: first and second derivative with autograd.grad."""
import torch

x = torch.tensor(0.0, requires_grad=True)
a, b, c = torch.tensor(1.0), torch.tensor(-2.0), torch.tensor(1.0)
y = a * torch.pow(x, 2) + b * x + c

# create_graph=True records the derivative itself as a graph...
dy_dx, = torch.autograd.grad(y, x, create_graph=True)
print("dy/dx at 0:", dy_dx)            # 2ax + b = -2
# ...so it can be differentiated again
d2y_dx2, = torch.autograd.grad(dy_dx, x)
print("d2y/dx2:", d2y_dx2)             # 2a = 2
