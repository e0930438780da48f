"""The pre-0.4 Variable wrapper: today it simply returns a tensor that requires grad."""
import torch
from torch.autograd import Variable

x = Variable(torch.Tensor([4]), requires_grad=True)
y = x ** 2
grad_x, = torch.autograd.grad(y, x, create_graph=True)
print(grad_x)                           # 2x = 8
print(torch.autograd.grad(grad_x, x))   # 2
