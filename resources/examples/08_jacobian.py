"""The Jacobian of k = (x₀² + 3x₁, x₁² + 2x₀) at x = (2, 3), one row per backward."""
import torch

x = torch.tensor([2.0, 3.0], requires_grad=True)
k = torch.zeros(2)
k[0] = x[0] ** 2 + 3 * x[1]
k[1] = x[1] ** 2 + 2 * x[0]
print("k =", k)

jacobian = torch.zeros(2, 2)
for row in range(2):
    pick = torch.zeros(2)
    pick[row] = 1.0
    if x.grad is not None:
        x.grad.zero_()
    k.backward(pick, retain_graph=True)
    jacobian[row] = x.grad
print(jacobian)   # [[4, 3], [2, 6]]
