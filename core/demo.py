"""``chainrule-demo``: the engine on its own, printing a tutorial's numbers."""

from __future__ import annotations


def main() -> None:
    import core as torch

    x = torch.tensor(0.0, requires_grad=True)
    y = torch.pow(x, 2) - 2 * x + 1
    (dy,) = torch.autograd.grad(y, x, create_graph=True)
    (d2y,) = torch.autograd.grad(dy, x)
    print("f(x) = x**2 - 2x + 1 at x = 0")
    print("f  =", y)
    print("f' =", dy)
    print("f''=", d2y)


if __name__ == "__main__":
    main()
