"""Builds the Hugging Face interop fixtures under test/fixtures/ with `transformers` itself.

    .venv/bin/python scripts/make_hf_fixtures.py

For each tiny model below: a fixed torch seed, random weights (larger than the library's
initialiser, so attention is far from uniform and every parameter matters), `save_pretrained`
into test/fixtures/hf/<name>/ (config.json + model.safetensors), and expected.json with fixed
inputs (one row padded) and the model's eval-mode outputs: task logits, the last hidden state,
every hidden state and every layer's attention probabilities (eager attention, so they are
returned). Also writes test/fixtures/safetensors/dtypes.safetensors (+ dtypes.json) with the
python `safetensors` package: F16 / BF16 / I64 / ... tensors for the reader's decoding tests.

Deterministic: reruns with the same torch / transformers versions write the same bytes.
test/model/hf-interop.test.ts and test/model/safetensors.test.ts read these files.
"""
import json
import os
import shutil
import sys

import numpy as np
import torch
import transformers
from safetensors.torch import save_file
from transformers import (
    BertConfig,
    BertForMaskedLM,
    BertForQuestionAnswering,
    BertForSequenceClassification,
    BertModel,
    RobertaConfig,
    RobertaForMaskedLM,
    RobertaForQuestionAnswering,
    RobertaForSequenceClassification,
    XLMRobertaConfig,
    XLMRobertaForSequenceClassification,
)

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "test", "fixtures")
HF_DIR = os.path.join(ROOT, "hf")
SAFETENSORS_DIR = os.path.join(ROOT, "safetensors")
DECIMALS = 6  # expected values are rounded to 1e-6; the tests allow 1e-4

# Hidden 16 (4 heads of width 4) rather than 32 keeps all fixtures together a few hundred KB.
SIZE = dict(vocab_size=100, hidden_size=16, num_hidden_layers=2, num_attention_heads=4, intermediate_size=32)
BERT = dict(SIZE, max_position_embeddings=64)
ROBERTA = dict(SIZE, max_position_embeddings=66, pad_token_id=1, bos_token_id=0, eos_token_id=2, type_vocab_size=1, layer_norm_eps=1e-5)
LABELS = dict(num_labels=3)

# name → (model class, config class, config overrides, stored dtype). hidden_act covers every
# activation path; two checkpoints are stored in half precision, as many Hub checkpoints are
# (their weights are rounded to that precision first, so the float32 outputs are exact for them).
MODELS = {
    "bert-seq-cls": (BertForSequenceClassification, BertConfig, dict(BERT, **LABELS), torch.float32),
    "bert-qa": (BertForQuestionAnswering, BertConfig, dict(BERT, hidden_act="relu"), torch.float32),
    "bert-mlm": (BertForMaskedLM, BertConfig, dict(BERT, hidden_act="gelu_new"), torch.float32),
    "bert-base": (BertModel, BertConfig, BERT, torch.bfloat16),
    "roberta-seq-cls": (RobertaForSequenceClassification, RobertaConfig, dict(ROBERTA, **LABELS), torch.float32),
    "roberta-qa": (RobertaForQuestionAnswering, RobertaConfig, ROBERTA, torch.float32),
    "roberta-mlm": (RobertaForMaskedLM, RobertaConfig, ROBERTA, torch.float32),
    "xlmr-seq-cls": (XLMRobertaForSequenceClassification, XLMRobertaConfig, dict(ROBERTA, **LABELS), torch.float16),
}

# Two rows of 8 tokens; the second ends in 3 padding tokens. BERT: [CLS]=2 … [SEP]=3, pad 0;
# RoBERTa / XLM-R: <s>=0 … </s>=2, pad 1 (so position ids skip the padding).
BERT_INPUTS = {
    "input_ids": [[2, 17, 45, 3, 60, 71, 9, 3], [2, 33, 8, 3, 54, 0, 0, 0]],
    "attention_mask": [[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0, 0]],
    "token_type_ids": [[0, 0, 0, 0, 1, 1, 1, 1], [0, 0, 0, 0, 1, 0, 0, 0]],
}
ROBERTA_INPUTS = {
    "input_ids": [[0, 17, 45, 2, 2, 71, 9, 2], [0, 33, 8, 97, 2, 1, 1, 1]],
    "attention_mask": [[1, 1, 1, 1, 1, 1, 1, 1], [1, 1, 1, 1, 1, 0, 0, 0]],
}
# masked-lm: logits are stored only at these positions [B, P] (the full [B, T, V] is large).
MLM_POSITIONS = [[1, 5], [2, 3]]


def randomize(model: torch.nn.Module) -> None:
    """Weights ~ N(0, 0.3), biases ~ N(0, 0.1), LayerNorm scales ~ N(1, 0.1), in name order."""
    with torch.no_grad():
        for name, p in sorted(model.named_parameters()):
            if "LayerNorm.weight" in name or "layer_norm.weight" in name:
                p.normal_(1.0, 0.1)
            elif p.dim() == 1:
                p.normal_(0.0, 0.1)
            else:
                p.normal_(0.0, 0.3)


def rounded(t: torch.Tensor):
    return np.round(t.detach().double().numpy(), DECIMALS).tolist()


def build(name: str, model_cls, config_cls, overrides: dict, stored_dtype: torch.dtype) -> None:
    torch.manual_seed(1234)
    config = config_cls(**overrides)
    model = model_cls._from_config(config, attn_implementation="eager")
    randomize(model)
    model.tie_weights()
    with torch.no_grad():
        for p in model.parameters():
            p.copy_(p.to(stored_dtype).float())
    model.eval()

    bert = config.model_type == "bert"
    inputs = dict(BERT_INPUTS if bert else ROBERTA_INPUTS)
    tensors = {k: torch.tensor(v) for k, v in inputs.items()}
    with torch.no_grad():
        out = model(**tensors, output_hidden_states=True, output_attentions=True, return_dict=True)

    outputs = {}
    architecture = type(model).__name__
    if architecture.endswith("ForSequenceClassification"):
        outputs["logits"] = rounded(out.logits)  # [B, C]
    elif architecture.endswith("ForQuestionAnswering"):
        outputs["start_logits"] = rounded(out.start_logits)  # [B, T]
        outputs["end_logits"] = rounded(out.end_logits)
    elif architecture.endswith("ForMaskedLM"):
        inputs["mlm_positions"] = MLM_POSITIONS
        picked = torch.stack([out.logits[b, MLM_POSITIONS[b]] for b in range(len(MLM_POSITIONS))])
        outputs["logits"] = rounded(picked)  # [B, P, V] at mlm_positions
    hidden = out.last_hidden_state if hasattr(out, "last_hidden_state") else out.hidden_states[-1]
    outputs["last_hidden_state"] = rounded(hidden)  # [B, T, H]
    outputs["hidden_states"] = [rounded(h) for h in out.hidden_states]  # L + 1 × [B, T, H]
    outputs["attentions"] = [rounded(a) for a in out.attentions]  # L × [B, A, T, T]

    out_dir = os.path.join(HF_DIR, name)
    shutil.rmtree(out_dir, ignore_errors=True)
    model.to(stored_dtype).save_pretrained(out_dir)

    expected = {
        "generated_by": "scripts/make_hf_fixtures.py",
        "transformers_version": transformers.__version__,
        "torch_version": torch.__version__.split("+")[0],
        "architecture": architecture,
        "stored_dtype": str(stored_dtype).replace("torch.", ""),
        "decimals": DECIMALS,
        "inputs": inputs,
        "outputs": outputs,
    }
    with open(os.path.join(out_dir, "expected.json"), "w") as f:
        json.dump(expected, f, separators=(",", ":"))
        f.write("\n")


def write_dtypes() -> None:
    """One tensor per dtype the reader decodes, values exactly representable in each."""
    values = {
        "f16": (torch.float16, [[0.0, -0.0, 1.0, -2.5], [65504.0, 6.103515625e-05, 5.960464477539063e-08, -0.333251953125]]),
        "bf16": (torch.bfloat16, [1.0, -1.0, 3.140625, 1.0e-30, -3.3895313892515355e38, 0.0078125]),
        "f64": (torch.float64, [0.1, -1.5, 1.0e10]),
        "f32": (torch.float32, [[1.5, -2.25, 0.0]]),
        "i64": (torch.int64, [[0, 1, 2, 3], [-1, 2147483647, -2147483648, 40000]]),
        "i32": (torch.int32, [7, -7]),
        "i16": (torch.int16, [-32768, 32767]),
        "i8": (torch.int8, [-128, 127]),
        "u8": (torch.uint8, [0, 255]),
        "bool": (torch.bool, [True, False, True]),
    }
    tensors = {name: torch.tensor(v, dtype=dtype) for name, (dtype, v) in values.items()}
    os.makedirs(SAFETENSORS_DIR, exist_ok=True)
    # One metadata key only: the Rust writer orders several keys differently from run to run.
    metadata = {"written_by": "scripts/make_hf_fixtures.py"}
    save_file(tensors, os.path.join(SAFETENSORS_DIR, "dtypes.safetensors"), metadata=metadata)
    expected = {
        "metadata": metadata,
        "tensors": {
            name: {"shape": list(t.shape), "values": t.float().flatten().tolist() if t.is_floating_point() else t.long().flatten().tolist()}
            for name, t in tensors.items()
        },
    }
    lines = [f'  "{name}": {json.dumps(entry)}' for name, entry in expected["tensors"].items()]
    with open(os.path.join(SAFETENSORS_DIR, "dtypes.json"), "w") as f:
        f.write(f'{{\n "metadata": {json.dumps(metadata)},\n "tensors": {{\n' + ",\n".join(lines) + "\n }\n}\n")


def main() -> None:
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    torch.use_deterministic_algorithms(True)
    for name, (model_cls, config_cls, overrides, stored_dtype) in MODELS.items():
        build(name, model_cls, config_cls, overrides, stored_dtype)
    write_dtypes()
    total = sum(os.path.getsize(os.path.join(d, f)) for d, _, fs in os.walk(ROOT) for f in fs if "hf" in d or "safetensors" in d)
    print(f"wrote {len(MODELS)} models to {os.path.relpath(HF_DIR)} and dtypes fixtures ({total / 1024:.0f} KiB) "
          f"with transformers {transformers.__version__}, torch {torch.__version__}", file=sys.stderr)


if __name__ == "__main__":
    main()
