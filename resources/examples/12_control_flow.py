"""Python control flow: the graph records only what ran — the loop unrolled, one branch."""
import torch

torch.manual_seed(0)


def f(a):
    b = a * 2
    while b.norm() < 1000:   # runs as often as a's size requires
        b = b * 2
    if b.sum() > 0:          # only the branch taken is recorded
        c = b
    else:
        c = 100 * b
    return c


a = torch.randn(size=(), requires_grad=True)
d = f(a)
d.backward()
print("a =", a)
print("d =", d)
print("a.grad =", a.grad, "= d / a:", a.grad == d / a)
