"""out = mean(y − x @ w) for random matrices: every row of x.grad is the same."""
import torch

torch.manual_seed(0)
x = torch.randn(4, 3, requires_grad=True)
w = torch.randn(3, 2, requires_grad=True)
y = torch.randn(4, 2, requires_grad=True)

out = torch.mean(y - torch.matmul(x, w))
out.backward()
print("y.grad =", y.grad)   # 1 / 8 everywhere
print("x.grad =", x.grad)
print("w.grad =", w.grad)
