"""autograd.grad with two inputs, then with two outputs (their gradients add up)."""
import torch

x1 = torch.tensor(1.0, requires_grad=True)
x2 = torch.tensor(2.0, requires_grad=True)
y1 = x1 * x2
y2 = x1 + x2

g1, g2 = torch.autograd.grad(outputs=y1, inputs=[x1, x2], retain_graph=True)
print("d y1 / d(x1, x2):", g1, g2)          # (x2, x1) = (2, 1)
g1, g2 = torch.autograd.grad(outputs=[y1, y2], inputs=[x1, x2])
print("d (y1 + y2) / d(x1, x2):", g1, g2)   # (x2 + 1, x1 + 1) = (3, 2)
