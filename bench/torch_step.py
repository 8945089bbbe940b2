#!/usr/bin/python3
"""PyTorch's time for the training step bench/train measures (same shapes, AdamW), for the ratio printed
beside ours. torch.set_num_threads(1): its elementwise work on one thread while OpenBLAS runs the GEMMs
on both cores, the fastest configuration on this machine kind (shared/reference notes).
    /usr/bin/python3 bench/torch_step.py STEPS
"""
import sys, time, math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_block import block_class

torch.set_num_threads(1)
torch.manual_seed(0)
V, T, L, NH, C, B = 32, 32, 4, 4, 128, 64
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20
mode = sys.argv[2] if len(sys.argv) > 2 else "gpt"

Block = block_class(B, T, C, NH)

class GPT(nn.Module):
    def __init__(self):
        super().__init__()
        self.wte, self.wpe = nn.Embedding(V, C), nn.Embedding(T, C)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f = nn.LayerNorm(C)
    def forward(self, idx, targets):
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for b in self.h:
            x = b(x)
        return F.cross_entropy((self.ln_f(x) @ self.wte.weight.T).view(-1, V), targets.view(-1))

class LeNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.c1, self.c2 = nn.Conv2d(1, 6, 5, padding=2), nn.Conv2d(6, 16, 5)
        self.f1, self.f2, self.f3 = nn.Linear(400, 120), nn.Linear(120, 84), nn.Linear(84, 10)
    def forward(self, x, y):
        x = F.max_pool2d(F.relu(self.c1(x)), 2)
        x = F.max_pool2d(F.relu(self.c2(x)), 2).flatten(1)
        return F.cross_entropy(self.f3(F.relu(self.f2(F.relu(self.f1(x))))), y)

if mode == "lenet":
    m = LeNet()
    x = torch.rand(64, 1, 28, 28)
    y = torch.randint(0, 10, (64,))
else:
    m = GPT()
    x = torch.randint(0, V, (B, T))
    y = torch.randint(0, V, (B, T))
opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
times = []
for s in range(steps + 3):
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    m(x, y).backward()
    opt.step()
    if s >= 3:
        times.append(time.perf_counter() - t0)
times.sort()
print(f"{1000 * times[len(times) // 2]:.1f}")
