"""The programs of the seed tutorials (../shared/seeds/*.txt), as scripts.

A notebook's cells are one program in order; a cell whose last line is a bare
expression shows it in a notebook, so here it is printed. Randomness is seeded
(``torch.manual_seed(0)``) so PyTorch and the engine draw the same numbers. Programs that
fail in the tutorial itself (translation typos such as ``Y.backward()``, MXNet code,
``V(t.Tensor(...))``) are kept as they are: PyTorch fails on them too, after printing the
same text.
"""

SEED_PROGRAMS: dict[str, str] = {}

# ---------------------------------------------------------------- seed 000 (eat_pytorch 2-2)
SEED_PROGRAMS["000_scalar"] = '''\
import numpy as np
import torch

# f(x) = a*x**2 + b*x + c derivative

x = torch.tensor(0.0,requires_grad = True) # x needs to be differentiated
a = torch.tensor(1.0)
b = torch.tensor(-2.0)
c = torch.tensor(1.0)
y = a*torch.pow(x,2) + b*x + c

y.backward()
dy_dx = x.grad
print(dy_dx)
'''
SEED_PROGRAMS["000_nonscalar"] = '''\
import numpy as np
import torch

x = torch.tensor([[0.0,0.0],[1.0,2.0]],requires_grad = True) # x needs to be differentiated
a = torch.tensor(1.0)
b = torch.tensor(-2.0)
c = torch.tensor(1.0)
y = a*torch.pow(x,2) + b*x + c

gradient = torch.tensor([[1.0,1.0],[1.0,1.0]])

print("x:\\n",x)
print("y:\\n",y)
y.backward(gradient = gradient)
x_grad = x.grad
print("x_grad:\\n",x_grad)
'''
SEED_PROGRAMS["000_via_scalar"] = '''\
import numpy as np
import torch

x = torch.tensor([[0.0,0.0],[1.0,2.0]],requires_grad = True) # x needs to be differentiated
a = torch.tensor(1.0)
b = torch.tensor(-2.0)
c = torch.tensor(1.0)
y = a*torch.pow(x,2) + b*x + c

gradient = torch.tensor([[1.0,1.0],[1.0,1.0]])
z = torch.sum(y*gradient)

print("x:",x)
print("y:",y)
z.backward()
x_grad = x.grad
print("x_grad:\\n",x_grad)
'''
SEED_PROGRAMS["000_grad_create_graph"] = '''\
import numpy as np
import torch

x = torch.tensor(0.0,requires_grad = True) # x needs to be differentiated
a = torch.tensor(1.0)
b = torch.tensor(-2.0)
c = torch.tensor(1.0)
y = a*torch.pow(x,2) + b*x + c


# create_graph set to True will allow the creation of higher order derivatives
dy_dx = torch.autograd.grad(y,x,create_graph=True)[0]
print(dy_dx.data)

# Find the second derivative
dy2_dx2 = torch.autograd.grad(dy_dx,x)[0]

print(dy2_dx2.data)
'''
SEED_PROGRAMS["000_grad_many"] = '''\
import numpy as np
import torch

x1 = torch.tensor(1.0,requires_grad = True) # x needs to be differentiated
x2 = torch.tensor(2.0, requires_grad = True)

y1 = x1*x2
y2 = x1+x2


# Allow to take the derivative of multiple independent variables at the same time
(dy1_dx1,dy1_dx2) = torch.autograd.grad(outputs=y1,inputs = [x1,x2],retain_graph = True)
print(dy1_dx1,dy1_dx2)

# If there are multiple dependent variables, it is equivalent to summing the gradient results of multiple dependent variables
(dy12_dx1,dy12_dx2) = torch.autograd.grad(outputs=[y1,y2],inputs = [x1,x2])
print(dy12_dx1,dy12_dx2)
'''
SEED_PROGRAMS["000_sgd"] = '''\
import numpy as np
import torch

# f(x) = a*x**2 + b*x + the minimum value of c

x = torch.tensor(0.0,requires_grad = True) # x needs to be differentiated
a = torch.tensor(1.0)
b = torch.tensor(-2.0)
c = torch.tensor(1.0)

optimizer = torch.optim.SGD(params=[x],lr = 0.01)


def f(x):
    result = a*torch.pow(x,2) + b*x + c
    return(result)

for i in range(500):
    optimizer.zero_grad()
    y = f(x)
    y.backward()
    optimizer.step()
   
    
print("y=",f(x).data,";","x=",x.data)
'''

# ---------------------------------------------------------------- seed 001 (Variable era)
SEED_PROGRAMS["001_variable"] = '''\
import torch
from torch.autograd import Variable

x = Variable(torch.Tensor([2]), requires_grad=True)
y = x + 2
z = y ** 2 + 3
print(z)

# Using automatic derivation
z.backward()
print(x.grad)
'''
SEED_PROGRAMS["001_matmul_as_printed"] = '''\
import torch
from torch.autograd import Variable
torch.manual_seed(0)

x = Variable(torch.randn(10, 20), requires_grad=True)
y = Variable(torch.randn(10, 5), requires_grad=True)
w = Variable(torch.randn(20, 5), requires_grad=True)

Out = torch.mean(y - torch.matmul(x, w)) # torch.matmul is doing matrix multiplication
out.backward()
'''
SEED_PROGRAMS["001_matmul"] = '''\
import torch
from torch.autograd import Variable
torch.manual_seed(0)

x = Variable(torch.randn(10, 20), requires_grad=True)
y = Variable(torch.randn(10, 5), requires_grad=True)
w = Variable(torch.randn(20, 5), requires_grad=True)

out = torch.mean(y - torch.matmul(x, w)) # torch.matmul is doing matrix multiplication
out.backward()
# Get the gradient of x
print(x.grad)
# Get the gradient of y
print(y.grad)
# Get the gradient of w
print(w.grad)
'''
SEED_PROGRAMS["001_setitem"] = '''\
import torch
from torch.autograd import Variable

m = Variable(torch.FloatTensor([[2, 3]]), requires_grad=True) #Build a 1 x 2 matrix
n = Variable(torch.zeros(1, 2)) #Build a 0 matrix of the same size
print(m)
print(n)
# Calculate the value of the new n by the value in m
n[0, 0] = m[0, 0] ** 2
n[0, 1] = m[0, 1] ** 3
print(n)
n.backward(torch.ones_like(n)) # takes (w0, w1) as (1, 1)
print(m.grad)
'''
SEED_PROGRAMS["001_setitem_as_printed"] = '''\
import torch
from torch.autograd import Variable

m = Variable(torch.FloatTensor([[2, 3]]), requires_grad=True) #Build a 1 x 2 matrix
n = Variable(torch.zeros(1, 2)) #Build a 0 matrix of the same size
n[0, 0] = m[0, 0] ** 2
n[0, 1] = m[0, 1] ** 3
print(n)
N.backward(torch.ones_like(n)) # takes (w0, w1) as (1, 1)
'''
SEED_PROGRAMS["001_retain_graph"] = '''\
import torch
from torch.autograd import Variable

x = Variable(torch.FloatTensor([3]), requires_grad=True)
y = x * 2 + x ** 2 + 3
print(y)
y.backward(retain_graph=True) # Set retain_graph to True to keep the calculation graph
print(x.grad)
y.backward() # Do another automatic derivation, this time does not retain the calculation graph
print(x.grad)
'''
SEED_PROGRAMS["001_retain_graph_as_printed"] = '''\
import torch
from torch.autograd import Variable

x = Variable(torch.FloatTensor([3]), requires_grad=True)
y = x * 2 + x ** 2 + 3
print(y)
Y.backward(retain_graph=True) # Set retain_graph to True to keep the calculation graph
'''
SEED_PROGRAMS["001_jacobian"] = '''\
import torch
from torch.autograd import Variable

x = Variable(torch.FloatTensor([2, 3]), requires_grad=True)
k = Variable(torch.zeros(2))

k[0] = x[0] ** 2 + 3 * x[1]
k[1] = x[1] ** 2 + 2 * x[0]
print(k)
j = torch.zeros(2, 2)

k.backward(torch.FloatTensor([1, 0]), retain_graph=True)
j[0] = x.grad.data

x.grad.data.zero_() # Gradient obtained before returning to zero

k.backward(torch.FloatTensor([0, 1]))
j[1] = x.grad.data
print(j)
'''

# ---------------------------------------------------------------- seed 002 (d2l, English)
SEED_PROGRAMS["002_d2l"] = '''\
import torch
x = torch.arange(4.0)
print(x)
# Can also create x = torch.arange(4.0, requires_grad=True)
x.requires_grad_(True)
print(x.grad)  # The gradient is None by default
y = 2 * torch.dot(x, x)
print(y)
y.backward()
print(x.grad)
print(x.grad == 4 * x)
x.grad.zero_()  # Reset the gradient
y = x.sum()
print(y)
y.backward()
print(x.grad)
x.grad.zero_()
y = x * x
y.backward(gradient=torch.ones(len(y)))  # Faster: y.sum().backward()
print(x.grad)

x.grad.zero_()
y = x * x
y.sum().backward()
print(x.grad)
x.grad.zero_()
y = x * x
u = y.detach()
z = u * x

z.sum().backward()
print(x.grad == u)
x.grad.zero_()
y.sum().backward()
print(x.grad == 2 * x)
'''
SEED_PROGRAMS["002_control_flow"] = '''\
import torch
torch.manual_seed(0)
def f(a):
    b = a * 2
    while b.norm() < 1000:
        b = b * 2
    if b.sum() > 0:
        c = b
    else:
        c = 100 * b
    return c
a = torch.randn(size=(), requires_grad=True)
print(a)
d = f(a)
print(d)
d.backward()
print(a.grad)
print(a.grad == d / a)
'''

# ---------------------------------------------------------------- seed 003 (eat_pytorch, Chinese)
SEED_PROGRAMS["003_version"] = '''\
import torch

print("torch.__version__=" + torch.__version__)
'''
SEED_PROGRAMS["003_grad"] = '''\
import torch  # 导入PyTorch库

x = torch.tensor(0.0, requires_grad=True)  # 创建一个张量 x，初始值为 0.0，需要计算梯度
a = torch.tensor(1.0)  # 定义参数 a，这里取值为 1.0
b = torch.tensor(-2.0)  # 定义参数 b，这里取值为 -2.0
c = torch.tensor(1.0)  # 定义参数 c，这里取值为 1.0

y = a * torch.pow(x, 2) + b * x + c

dy_dx = torch.autograd.grad(y, x, create_graph=True)[0]
print("一阶导数 (dy/dx) 在 x=0 处的值：", dy_dx.data)
dy2_dx2 = torch.autograd.grad(dy_dx, x)[0]
print("二阶导数 (d²y/dx²) 在 x=0 处的值：", dy2_dx2.data)
'''
SEED_PROGRAMS["003_grad_many"] = '''\
import torch  # 导入PyTorch库

x1 = torch.tensor(1.0, requires_grad=True)  # 创建一个张量 x1，初始值为 1.0，需要计算梯度
x2 = torch.tensor(2.0, requires_grad=True)  # 创建一个张量 x2，初始值为 2.0，需要计算梯度
y1 = x1 * x2
y2 = x1 + x2
(dy1_dx1, dy1_dx2) = torch.autograd.grad(outputs=y1, inputs=[x1, x2], retain_graph=True)
print("y1 对 x1 的导数:", dy1_dx1.item())
print("y1 对 x2 的导数:", dy1_dx2.item())
(dy12_dx1, dy12_dx2) = torch.autograd.grad(outputs=[y1, y2], inputs=[x1, x2])
print("y1 和 y2 对 x1 的导数:", dy12_dx1)
print("y1 和 y2 对 x2 的导数:", dy12_dx2)
'''
SEED_PROGRAMS["003_sgd"] = '''\
import torch  # 导入PyTorch库

x = torch.tensor(0.0, requires_grad=True)  # 创建一个张量 x，初始值为 0.0，需要计算梯度
a = torch.tensor(1.0)  # 定义参数 a，这里取值为 1.0
b = torch.tensor(-2.0)  # 定义参数 b，这里取值为 -2.0
c = torch.tensor(1.0)  # 定义参数 c，这里取值为 1.0

optimizer = torch.optim.SGD(params=[x], lr=0.01)

def f(x):
    result = a * torch.pow(x, 2) + b * x + c
    return result

for i in range(500):
    optimizer.zero_grad()  # 清零梯度，每次迭代前都要清零
    y = f(x)  # 计算函数值
    y.backward()  # 计算梯度
    optimizer.step()  # 更新 x，使用优化器进行一步梯度下降

print("最小值 y =", f(x).data.item(), "; 对应的 x =", x.data.item())
'''

# ---------------------------------------------------------------- seed 004 (d2l, Chinese notes)
SEED_PROGRAMS["004_d2l"] = '''\
import torch
x = torch.arange(4.0, requires_grad=True)
print(x)
print(x.grad)
y = 2 * torch.dot(x, x)
print(y)
y.backward()
print(x.grad)
x.grad.zero_() #  clear the previous values in x.grad first
y = x.sum()
y.backward()
print(x.grad)
print(y)
'''
SEED_PROGRAMS["004_mxnet_cell"] = '''\
import torch
x = torch.arange(4.0, requires_grad=True)
import torch.autograd
with autograd.record():
    y = x * x  # `y` is a vector
y.backward()
'''
SEED_PROGRAMS["004_variable_alias"] = '''\
import torch
from torch.autograd import Variable
x = V(t.Tensor([4]), requires_grad=True)
y = x ** 2
'''
SEED_PROGRAMS["004_variable_fixed"] = '''\
import torch as t
from torch.autograd import Variable as V
x = V(t.Tensor([4]), requires_grad=True)
y = x ** 2

grad_x = t.autograd.grad(y, x, create_graph=True)
print(grad_x)  # dy/dx = 2*x = 8

grad_2x = t.autograd.grad(grad_x[0],x)
print(grad_2x) # d(2*x)/dx = 2
'''
