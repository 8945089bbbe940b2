"""The GPT-2 block both PyTorch benchmarks use (bench/torch_step.py, bench/torch_icl.py): pre-norm
causal attention and a 4x tanh-GELU MLP, as the lab's trunk (src/zoo/trunk.ts)."""
import math
import torch
import torch.nn as nn
import torch.nn.functional as F


def block_class(B, T, C, NH):
    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.ln_1, self.ln_2 = nn.LayerNorm(C), nn.LayerNorm(C)
            self.c_attn, self.c_proj = nn.Linear(C, 3 * C), nn.Linear(C, C)
            self.c_fc, self.mlp_proj = nn.Linear(C, 4 * C), nn.Linear(4 * C, C)
            self.register_buffer("mask", torch.tril(torch.ones(T, T, dtype=torch.bool)))

        def forward(self, x):
            q, k, v = self.c_attn(self.ln_1(x)).split(C, dim=2)
            q, k, v = (t.view(B, T, NH, C // NH).transpose(1, 2) for t in (q, k, v))
            att = ((q @ k.transpose(-2, -1)) / math.sqrt(C // NH)).masked_fill(~self.mask, float("-inf")).softmax(-1)
            x = x + self.c_proj((att @ v).transpose(1, 2).contiguous().view(B, T, C))
            return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))

    return Block
