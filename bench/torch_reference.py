"""PyTorch CPU reference for bench/: the same MLM encoder and step as bench/measure.ts
(Hugging Face BertForMaskedLM, forward + backward + AdamW; inference forwards), one JSON line."""
import json
import os
import resource
import sys
import time
from pathlib import Path

import torch
from transformers import BertConfig, BertForMaskedLM

spec = json.loads((Path(__file__).parent / "config.json").read_text())
torch.manual_seed(0)
torch.set_num_threads(int(os.environ.get("THIEVES_TORCH_THREADS", os.cpu_count() or 1)))
cfg = spec["model"]
model = BertForMaskedLM(BertConfig(**{k: v for k, v in cfg.items() if k != "model_type"}, attn_implementation="eager"))
B, T, P, V = spec["batch_size"], spec["seq_len"], spec["mlm_positions"], cfg["vocab_size"]
ids = torch.randint(5, V, (B, T))
mask = torch.ones(B, T, dtype=torch.long)
positions = torch.randint(0, T, (B, P))
labels = torch.randint(0, V, (B, P))
opt = torch.optim.AdamW(model.parameters(), lr=spec["learning_rate"], weight_decay=0.01)


def mlm_logits(train: bool):
    hidden = model.bert(input_ids=ids, attention_mask=mask).last_hidden_state  # [B, T, H]
    picked = torch.gather(hidden, 1, positions.unsqueeze(-1).expand(-1, -1, hidden.shape[-1]))  # [B, P, H]
    return model.cls(picked)  # [B, P, V]


def train_step():
    opt.zero_grad(set_to_none=True)
    loss = torch.nn.functional.cross_entropy(mlm_logits(True).reshape(-1, V), labels.reshape(-1))
    loss.backward()
    opt.step()
    loss.item()


def infer_step():
    with torch.no_grad():
        mlm_logits(False).sum().item()


def timed(fn, steps):
    for _ in range(min(spec["warmup_steps"], steps)):
        fn()
    start = time.perf_counter()
    for _ in range(steps):
        fn()
    return time.perf_counter() - start


steps = int(sys.argv[1]) if len(sys.argv) > 1 else spec["timed_steps"]
model.train()
train_s = timed(train_step, steps)
model.eval()
infer_s = timed(infer_step, steps * 3)
print(json.dumps({
    "torch": torch.__version__,
    "blas": "mkl" if torch.backends.mkl.is_available() else "other",
    "threads": torch.get_num_threads(),
    "train_tokens_per_s": B * T * steps / train_s,
    "infer_tokens_per_s": B * T * steps * 3 / infer_s,
    "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
    "ld_preload": os.environ.get("LD_PRELOAD", ""),
}))
