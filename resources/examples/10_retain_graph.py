"""Backward twice: gradients accumulate (8, then 16); a third time without the graph fails."""
import torch

x = torch.tensor([3.0], requires_grad=True)
y = x * 2 + x ** 2 + 3
print("y =", y)

y.backward(retain_graph=True)   # keep the graph for another pass
print("after one backward:", x.grad)
y.backward()                    # the graph is freed after this one
print("after two:", x.grad)
try:
    y.backward()
except RuntimeError as e:
    print("a third backward fails:", str(e)[:48])
