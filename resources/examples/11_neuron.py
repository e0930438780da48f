"""A neuron: y = tanh(w·x + b). Backward sends 1 − y² through tanh, then x to w and 1 to b."""
import torch

w = torch.tensor(0.5, requires_grad=True)
x = torch.tensor(2.0, requires_grad=True)
b = torch.tensor(-0.5, requires_grad=True)
y = torch.tanh(w * x + b)
print("y =", y)
y.backward()
print("w.grad =", w.grad)  # x · (1 − y²)
print("b.grad =", b.grad)  # 1 − y²
print("x.grad =", x.grad)  # w · (1 − y²)
