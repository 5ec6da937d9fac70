"""PyTorch check of our MLM pretraining (issue 5): Hugging Face BertForMaskedLM with en-L2-H128's config,
trained from random init on the same packed WikiText-2 sequences, with the same masking rule (15 %, 80/10/10,
static masks x10), AdamW (0.01 decay, none on biases / LayerNorm), warmup + linear decay, clipping at 1.0,
batch and peak learning rate as our run (all read from the data file); held-out MLM accuracy on our exact masked set every 400 steps, beside
the committed checkpoint's, scored here first (it must equal models/en-L2-H128/pretraining.json's).

Usage: node --import tsx scripts/mlm-reference-data.ts && python scripts/mlm_reference.py [steps=1200] [threads=1]
Compare with the `eval` entries of models/en-L2-H128/pretraining.json's log."""
import json, sys, time, math
import numpy as np, torch
from transformers import BertConfig, BertForMaskedLM

steps_to_run = int(sys.argv[1]) if len(sys.argv) > 1 else 1200
torch.set_num_threads(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
torch.manual_seed(0)
d = json.load(open("results/tmp/mlm-reference-data.json"))
train = np.array(d["train"], dtype=np.int64)  # [N, 128]
N, T = train.shape
V, mask_id, specials, P = d["vocabSize"], d["maskId"], set(d["specialIds"]), d["maxPredictions"]
copies, total, warmup, peak, B = d["copies"], d["steps"], d["warmupSteps"], d["learningRate"], d["batchSize"]  # our run's settings
text_ids = np.array([i for i in range(V) if i not in specials])

def masked(i):
    ids = train[i % N]
    rng = np.random.default_rng([i // N, i % N])
    cand = np.array([k for k in range(T) if int(ids[k]) not in specials])
    count = min(max(1, round(len(cand) * 0.15)), len(cand), P)
    pos = np.sort(rng.permutation(cand)[:count])
    inp = ids.copy()
    for p in pos:
        r = rng.random()
        if r < 0.8: inp[p] = mask_id
        elif r < 0.9: inp[p] = text_ids[rng.integers(len(text_ids))]
    return inp, pos, ids[pos]

def collate(exs):
    Pm = max(len(e[1]) for e in exs)
    ids = torch.tensor(np.stack([e[0] for e in exs]))
    pos = torch.zeros(len(exs), Pm, dtype=torch.long); lab = torch.full((len(exs), Pm), -100, dtype=torch.long)
    for b, (_, p, l) in enumerate(exs):
        pos[b, :len(p)] = torch.tensor(p); lab[b, :len(l)] = torch.tensor(l)
    return ids, pos, lab

def logits_at(model, ids, pos):
    h = model.bert(input_ids=ids, attention_mask=torch.ones_like(ids)).last_hidden_state  # [B, T, H]
    g = torch.gather(h, 1, pos.unsqueeze(-1).expand(-1, -1, h.shape[-1]))
    return model.cls(g)  # [B, P, V]

ev = [(np.array(e["input"]), np.array(e["positions"]), np.array(e["labels"])) for e in d["eval"]]
def evaluate(model):
    model.eval(); hit = n = 0
    with torch.no_grad():
        for s in range(0, len(ev), 32):
            ids, pos, lab = collate(ev[s:s + 32])
            pred = logits_at(model, ids, pos).argmax(-1)
            keep = lab != -100
            hit += ((pred == lab) & keep).sum().item(); n += keep.sum().item()
    model.train(); return hit / n, n

cfg = BertConfig.from_pretrained("models/en-L2-H128")
ours = BertForMaskedLM.from_pretrained("models/en-L2-H128", dtype=torch.float32)
print("our committed checkpoint (4000 steps), evaluated here:", evaluate(ours), flush=True)
del ours
model = BertForMaskedLM(cfg)
decay = [p for n, p in model.named_parameters() if not (n.endswith("bias") or "LayerNorm" in n)]
nodecay = [p for n, p in model.named_parameters() if n.endswith("bias") or "LayerNorm" in n]
opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.01}, {"params": nodecay, "weight_decay": 0.0}], lr=peak, betas=(0.9, 0.999), eps=1e-8)
sched = torch.optim.lr_scheduler.LambdaLR(opt, lambda s: (s + 1) / warmup if s < warmup else max(0.0, (total - s - 1) / (total - warmup)))
order = np.random.default_rng(0).permutation(N * copies)
t0 = time.time(); lsum = 0
for step in range(1, steps_to_run + 1):
    ids, pos, lab = collate([masked(int(i)) for i in order[(step - 1) * B: step * B]])
    loss = torch.nn.functional.cross_entropy(logits_at(model, ids, pos).reshape(-1, V), lab.reshape(-1), ignore_index=-100)
    opt.zero_grad(); loss.backward(); torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0); opt.step(); sched.step()
    lsum += loss.item()
    if step % 50 == 0:
        print(f"step {step} loss {lsum / 50:.4f} lr {sched.get_last_lr()[0]:.2e} ({(time.time() - t0) / step:.2f} s/step)", flush=True); lsum = 0
    if step % 400 == 0:
        print(f"step {step} eval mlm_accuracy {evaluate(model)[0]:.4f}", flush=True)
