#!/usr/bin/python3
"""Derives tests/data/chat_goldens/<template>.json: the token ids Hugging Face gets for
published chat templates, computed independently of Tunebench's C++ code.

It renders each template's Jinja source with Jinja2 the way transformers'
apply_chat_template does (ImmutableSandboxedEnvironment, trim_blocks, lstrip_blocks,
raise_exception), then tokenises the text with the real Llama 2 tokenizer.model following
the slow LlamaTokenizer: split on added/special tokens, encode each text run with
SentencePiece, under both values of the `legacy` flag. See tests/data/chat_goldens/README.md.

Needs Debian's python3-sentencepiece and python3-jinja2 (scripts/setup.sh installs them):
    /usr/bin/python3 scripts/derive_chat_goldens.py [../shared/models/llama2-tokenizer.model]
"""
import json
import os
import re
import sys

import jinja2
import jinja2.sandbox
import sentencepiece as spm

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
OUT_DIR = os.path.join(ROOT, "tests", "data", "chat_goldens")

# Verbatim from meta-llama/Llama-2-7b-chat-hf tokenizer_config.json ("chat_template").
LLAMA2 = (
    "{% if messages[0]['role'] == 'system' %}{% set loop_messages = messages[1:] %}"
    "{% set system_message = messages[0]['content'] %}{% else %}{% set loop_messages = messages %}"
    "{% set system_message = false %}{% endif %}{% for message in loop_messages %}"
    "{% if (message['role'] == 'user') != (loop.index0 % 2 == 0) %}"
    "{{ raise_exception('Conversation roles must alternate user/assistant/user/assistant/...') }}"
    "{% endif %}{% if loop.index0 == 0 and system_message != false %}"
    "{% set content = '<<SYS>>\\n' + system_message + '\\n<</SYS>>\\n\\n' + message['content'] %}"
    "{% else %}{% set content = message['content'] %}{% endif %}{% if message['role'] == 'user' %}"
    "{{ bos_token + '[INST] ' + content.strip() + ' [/INST]' }}{% elif message['role'] == 'assistant' %}"
    "{{ ' '  + content.strip() + ' ' + eos_token }}{% endif %}{% endfor %}"
)

# Verbatim from TinyLlama/TinyLlama-1.1B-Chat-v1.0 tokenizer_config.json (the same string as
# HuggingFaceH4/zephyr-7b-beta). The JSON's "\n" escapes are real newlines in the template.
ZEPHYR = (
    "{% for message in messages %}\n{% if message['role'] == 'user' %}\n"
    "{{ '<|user|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'system' %}\n"
    "{{ '<|system|>\n' + message['content'] + eos_token }}\n{% elif message['role'] == 'assistant' %}\n"
    "{{ '<|assistant|>\n'  + message['content'] + eos_token }}\n{% endif %}\n"
    "{% if loop.last and add_generation_prompt %}\n{{ '<|assistant|>' }}\n{% endif %}\n{% endfor %}"
)

# ChatML as published in transformers' chat-templating documentation (OpenHermes-2.5).
CHATML = (
    "{% for message in messages %}{{'<|im_start|>' + message['role'] + '\\n' + message['content']"
    " + '<|im_end|>' + '\\n'}}{% endfor %}{% if add_generation_prompt %}"
    "{{ '<|im_start|>assistant\\n' }}{% endif %}"
)

# Tunebench's own format for models trained from scratch (engine/chat_template.h).
PLAIN = (
    "{% for message in messages %}{% if message['role'] == 'system' %}"
    "{{ message['content'] + '\\n\\n' }}{% elif message['role'] == 'user' %}"
    "{{ 'User: ' + message['content'] + '\\n' }}{% elif message['role'] == 'assistant' %}"
    "{{ 'Assistant: ' + message['content'] + eos_token }}{% endif %}{% endfor %}"
    "{% if add_generation_prompt %}{{ 'Assistant:' }}{% endif %}"
)

# template name -> (jinja, extra special tokens with ids, BOS comes from the tokenizer)
TEMPLATES = {
    "llama2": (LLAMA2, {}, False),
    "zephyr": (ZEPHYR, {}, True),
    "chatml": (CHATML, {"<|im_start|>": 32000, "<|im_end|>": 32001}, True),
    "plain": (PLAIN, {}, True),
}

CONVERSATIONS = [
    ("english_system_multiturn", False, [
        {"role": "system", "content": "You are a helpful assistant."},
        {"role": "user", "content": "Hello! How are you?"},
        {"role": "assistant", "content": "I'm fine, thank you. How can I help?"},
        {"role": "user", "content": "Write a haiku about the sea."},
        {"role": "assistant", "content": "Waves fold into foam,\nsalt wind carries gull voices,\nthe tide keeps its time."},
    ]),
    ("chinese_generation_prompt", True, [
        {"role": "system", "content": "你是一个乐于助人的助手。"},
        {"role": "user", "content": "你好，世界！"},
        {"role": "assistant", "content": "你好！有什么可以帮你的吗？"},
        {"role": "user", "content": "用一句话介绍长城。"},
    ]),
    ("no_system_spaces_emoji", True, [
        {"role": "user", "content": "  What is 2+2?  "},
        {"role": "assistant", "content": " It is 4 🦙 "},
        {"role": "user", "content": "And 3+3?\n"},
    ]),
]

SPIECE_UNDERLINE = "\u2581"


def render(source, messages, add_generation_prompt):
    # transformers' _compile_jinja_template
    def raise_exception(message):
        raise jinja2.exceptions.TemplateError(message)

    env = jinja2.sandbox.ImmutableSandboxedEnvironment(trim_blocks=True, lstrip_blocks=True)
    env.globals["raise_exception"] = raise_exception
    return env.from_string(source).render(messages=messages, bos_token="<s>", eos_token="</s>",
                                          unk_token="<unk>",
                                          add_generation_prompt=add_generation_prompt)


def no_prefix_processor(model_bytes):
    # transformers' LlamaTokenizer.get_spm_processor (legacy=False) sets
    # normalizer_spec.add_dummy_prefix = False through protobuf. Debian has no python3 protobuf
    # for SentencePiece's module, so append a NormalizerSpec (field 3) holding only
    # add_dummy_prefix (field 3) = 0: protobuf merges repeated message fields.
    normalizer = bytes([0x18, 0x00])
    sp = spm.SentencePieceProcessor()
    sp.LoadFromSerializedProto(model_bytes + bytes([0x1A, len(normalizer)]) + normalizer)
    return sp


def split_special(text, specials):
    # transformers' Trie.split: the longest added token wins at the earliest position.
    pattern = "(" + "|".join(re.escape(s) for s in sorted(specials, key=len, reverse=True)) + ")"
    return [part for part in re.split(pattern, text) if part]


def tokenize(text, sp, sp_no_prefix, specials, legacy):
    """The slow LlamaTokenizer's tokenize() + convert_tokens_to_ids, as ids."""
    if legacy:
        ids = []
        for part in split_special(text, specials):
            ids.extend([specials[part]] if part in specials else sp.encode(part))
        return ids
    # legacy=False: "▁" + text, split on specials, runs encoded without the dummy prefix
    # (a run that starts with whitespace is encoded after "<unk>" so SentencePiece keeps
    # its "▁"), and a lone leading "▁" before a special token dropped.
    text = SPIECE_UNDERLINE + text.replace(SPIECE_UNDERLINE, " ")
    unk_len = len(sp_no_prefix.encode("<unk>"))
    pieces = []  # list of lists of ids, one per run, keeping run boundaries
    for part in split_special(text, specials):
        if part in specials:
            pieces.append([specials[part]])
        elif part.startswith((SPIECE_UNDERLINE, " ")):
            pieces.append(sp_no_prefix.encode("<unk>" + part)[unk_len:])
        else:
            pieces.append(sp_no_prefix.encode(part))
    ids = [i for run in pieces for i in run]
    if len(ids) > 1 and ids[0] == sp.piece_to_id(SPIECE_UNDERLINE) and ids[1] in specials.values():
        ids = ids[1:]
    return ids


def main():
    model_path = sys.argv[1] if len(sys.argv) > 1 else os.path.join(
        ROOT, "..", "shared", "models", "llama2-tokenizer.model")
    with open(model_path, "rb") as f:
        model_bytes = f.read()
    sp = spm.SentencePieceProcessor()
    sp.LoadFromSerializedProto(model_bytes)
    sp_no_prefix = no_prefix_processor(model_bytes)
    base_specials = {"<unk>": 0, "<s>": 1, "</s>": 2}  # Llama 2's added_tokens_decoder

    os.makedirs(OUT_DIR, exist_ok=True)
    for name, (source, extra, bos_from_tokenizer) in TEMPLATES.items():
        specials = dict(base_specials, **extra)
        cases = []
        for case_name, add_generation_prompt, messages in CONVERSATIONS:
            text = render(source, messages, add_generation_prompt)
            for legacy in (True, False):
                ids = tokenize(text, sp, sp_no_prefix, specials, legacy)
                if bos_from_tokenizer:  # tokenizer(text) with add_bos_token=True
                    ids = [sp.bos_id()] + ids
                cases.append({
                    "name": case_name,
                    "legacy": legacy,
                    "add_generation_prompt": add_generation_prompt,
                    "messages": messages,
                    "text": text,
                    "ids": ids,
                })
        golden = {
            "template": name,
            "jinja": source,
            "tokenizer": "models/llama2-tokenizer.model",
            "special_tokens": specials,
            "bos_prepended_by_tokenizer": bos_from_tokenizer,
            "cases": cases,
        }
        path = os.path.join(OUT_DIR, name + ".json")
        with open(path, "w", encoding="utf-8") as f:
            json.dump(golden, f, ensure_ascii=False, indent=1)
            f.write("\n")
        print("wrote", path, len(cases), "cases")


if __name__ == "__main__":
    main()
