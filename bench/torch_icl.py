#!/usr/bin/python3
"""PyTorch's time for the training step bench/icl measures: the in-context regressor at 6 layers ×
128 (4 heads), d = 20, 41 points (82 tokens), batch 64, squared error at the x positions, AdamW.
torch.set_num_threads(1) as in bench/torch_step.py (elementwise on one thread, OpenBLAS on both cores).
    /usr/bin/python3 bench/torch_icl.py STEPS
"""
import sys, time, math
import torch
import torch.nn as nn
import torch.nn.functional as F
from torch_block import block_class

torch.set_num_threads(1)
torch.manual_seed(0)
L, NH, C, B, D, P = 6, 4, 128, 64, 20, 41
T = 2 * P
steps = int(sys.argv[1]) if len(sys.argv) > 1 else 20

Block = block_class(B, T, C, NH)

class Icl(nn.Module):
    def __init__(self):
        super().__init__()
        self.read_in, self.wpe = nn.Linear(D + 1, C), nn.Parameter(torch.randn(T, C) * 0.02)
        self.h = nn.ModuleList(Block() for _ in range(L))
        self.ln_f, self.read_out = nn.LayerNorm(C), nn.Linear(C, 1)
    def forward(self, tokens, targets):
        x = self.read_in(tokens) + self.wpe
        for b in self.h:
            x = b(x)
        pred = self.read_out(self.ln_f(x))[:, 0::2, 0]
        return F.mse_loss(pred, targets)

m = Icl()
xs = torch.randn(B, P, D)
w = torch.randn(B, D, 1)
ys = (xs @ w)[..., 0]
tokens = torch.zeros(B, T, D + 1)
tokens[:, 0::2, :D] = xs
tokens[:, 1::2, D] = ys
opt = torch.optim.AdamW(m.parameters(), lr=1e-3)
times = []
for s in range(steps + 3):
    t0 = time.perf_counter()
    opt.zero_grad(set_to_none=True)
    loss = m(tokens, ys)
    loss.backward()
    opt.step()
    if s >= 3:
        times.append(time.perf_counter() - t0)
times.sort()
print(f"{times[len(times) // 2] * 1000:.3f}")
