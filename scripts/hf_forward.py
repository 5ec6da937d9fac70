"""Runs model folders written by thieves-lab's saveModel through Hugging Face `transformers`.

    python scripts/hf_forward.py MODEL_DIR... [--inputs INPUTS.json]    (inputs on stdin without --inputs)

INPUTS.json: {"input_ids": [[...]], "attention_mask": [[...]], "token_type_ids": [[...]] (optional)}.
Each folder is loaded with the Auto class its config.json's "architectures" names
(…ForSequenceClassification, …ForQuestionAnswering, …ForMaskedLM, or AutoModel for the bare
encoder), eager attention, eval mode, and otherwise transformers' defaults (so "dtype" is the
precision the checkpoint's config.json asks for, as a user would get it). Prints one JSON object
per folder, one per line:

    {"model_dir", "architecture", "dtype", "transformers_version",
     "loading_info": {"missing_keys", "unexpected_keys", "mismatched_keys"},
     "outputs": {"logits"?, "start_logits"?, "end_logits"?, "last_hidden_state",
                 "hidden_states": [L + 1], "attentions": [L]}}

Used by test/model/hf-interop.test.ts to check that checkpoints written here load and compute
the same in `transformers`.
"""
import argparse
import json
import sys

import torch
import transformers
from transformers import (
    AutoConfig,
    AutoModel,
    AutoModelForMaskedLM,
    AutoModelForQuestionAnswering,
    AutoModelForSequenceClassification,
)

AUTO_CLASSES = [
    ("ForSequenceClassification", AutoModelForSequenceClassification),
    ("ForQuestionAnswering", AutoModelForQuestionAnswering),
    ("ForMaskedLM", AutoModelForMaskedLM),
    ("Model", AutoModel),
]


def auto_class(architecture: str):
    for suffix, cls in AUTO_CLASSES:
        if architecture.endswith(suffix):
            return cls
    raise SystemExit(f"hf_forward.py: architecture {architecture!r} is not one of …{', …'.join(s for s, _ in AUTO_CLASSES)}")


def as_list(t: torch.Tensor):
    return t.detach().float().tolist()


def run(model_dir: str, inputs: dict) -> dict:
    config = AutoConfig.from_pretrained(model_dir)
    architecture = (config.architectures or ["Model"])[0]
    model, info = auto_class(architecture).from_pretrained(model_dir, attn_implementation="eager", output_loading_info=True)
    model.eval()
    tensors = {k: torch.tensor(v, dtype=torch.long) for k, v in inputs.items() if k in ("input_ids", "attention_mask", "token_type_ids")}
    with torch.no_grad():
        out = model(**tensors, output_hidden_states=True, output_attentions=True, return_dict=True)
    outputs = {}
    for key in ("logits", "start_logits", "end_logits", "last_hidden_state"):
        if getattr(out, key, None) is not None:
            outputs[key] = as_list(getattr(out, key))
    if "last_hidden_state" not in outputs:
        outputs["last_hidden_state"] = as_list(out.hidden_states[-1])
    outputs["hidden_states"] = [as_list(h) for h in out.hidden_states]
    outputs["attentions"] = [as_list(a) for a in out.attentions]
    return {
        "model_dir": model_dir,
        "architecture": type(model).__name__,
        "dtype": str(model.dtype).replace("torch.", ""),
        "transformers_version": transformers.__version__,
        "loading_info": {k: sorted(str(x) for x in info.get(k, [])) for k in ("missing_keys", "unexpected_keys", "mismatched_keys")},
        "outputs": outputs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("model_dirs", nargs="+", metavar="MODEL_DIR")
    parser.add_argument("--inputs", help="JSON file with input_ids, attention_mask[, token_type_ids]; default: stdin")
    args = parser.parse_args()
    transformers.utils.logging.disable_progress_bar()
    transformers.utils.logging.set_verbosity_error()
    if args.inputs:
        with open(args.inputs) as f:
            inputs = json.load(f)
    else:
        inputs = json.load(sys.stdin)
    for model_dir in args.model_dirs:
        print(json.dumps(run(model_dir, inputs)), flush=True)


if __name__ == "__main__":
    main()
