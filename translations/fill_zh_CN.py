#!/usr/bin/env python3
"""Fills tunebench_zh_CN.ts from the table below (run after `update_translations`).

The table is the reviewed Simplified Chinese wording; strings missing from it stay
unfinished and are listed, so a new English string is never silently left untranslated."""
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

ZH = {
    "Tunebench": "Tunebench",
    "Model": "模型",
    "Chat": "对话",
    "Loading %1": "正在加载 %1",
    "Model loaded. Chat is ready.": "模型已加载，可以开始对话。",
    "Model loaded without a tokenizer: choose one to chat.": "模型已加载，但没有分词器：请选择一个分词器后再对话。",
    "%1 tokens/s, stopped by %2": "%1 词元/秒，停止原因：%2",
    "; the %n oldest turn(s) were dropped to fit the context": "；为适应上下文长度，已丢弃最早的 %n 轮对话",
    "Open a model: a Hugging Face folder, a GGUF file or a llama2.c checkpoint.":
        "打开模型：Hugging Face 文件夹、GGUF 文件或 llama2.c 检查点。",
    "Import Hugging Face folder…": "导入 Hugging Face 文件夹…",
    "Import GGUF or llama2.c file…": "导入 GGUF 或 llama2.c 文件…",
    "Compute in bf16 (half the memory)": "以 bf16 计算（内存减半）",
    "Weights are kept in bfloat16. Faster on CPUs with AVX-512 BF16, slightly less exact.":
        "权重以 bfloat16 保存。在支持 AVX-512 BF16 的 CPU 上更快，精度略低。",
    "optional: a SentencePiece .model for weights without a tokenizer": "可选：为不带分词器的权重指定 SentencePiece .model 文件",
    "Tokenizer": "分词器",
    "Cancel": "取消",
    "No model loaded.": "尚未加载模型。",
    "Hugging Face model folder": "Hugging Face 模型文件夹",
    "Model file": "模型文件",
    "Models (*.gguf *.bin);;All files (*)": "模型 (*.gguf *.bin);;所有文件 (*)",
    "System prompt (optional)": "系统提示词（可选）",
    "0 always picks the most likely token (greedy)": "设为 0 时总是选择概率最高的词元（贪心解码）",
    "Temperature": "温度",
    "Max new tokens": "最大生成词元数",
    "Type a message. Ctrl+Enter sends, Esc stops.": "输入消息。Ctrl+Enter 发送，Esc 停止。",
    "Send": "发送",
    "Stop": "停止",
    "New conversation": "新对话",
    "You:": "你：",
    "Assistant:": "助手：",
    "Generating…": "正在生成…",
    "none": "无",
    "Format": "格式",
    "Architecture": "架构",
    "heads / KV heads": "注意力头 / KV 头",
    "Parameters": "参数量",
    "Stored / compute dtype": "存储 / 计算精度",
    "Context": "上下文长度",
    "SentencePiece, %1 pieces": "SentencePiece，%1 个词元",
    "Chat template": "对话模板",
    "Threads": "线程数",
    "Loading was cancelled.": "加载已取消。",
    "Load a model with a tokenizer first.": "请先加载带分词器的模型。",
    "Fine-tune and chat with Llama-family models": "微调 Llama 系列模型并与之对话",
    "UI language (en, zh_CN)": "界面语言（en、zh_CN）",
    "A model to open": "要打开的模型",
    "Save a PNG of the window once the model is open, then quit": "模型打开后将窗口保存为 PNG 图片，然后退出",
}

def main():
    path = Path(sys.argv[1] if len(sys.argv) > 1 else Path(__file__).with_name("tunebench_zh_CN.ts"))
    tree = ET.parse(path)
    missing = []
    for message in tree.iter("message"):
        source = message.findtext("source")
        translation = message.find("translation")
        text = ZH.get(source)
        if text is None:
            missing.append(source)
            continue
        translation.attrib.pop("type", None)
        forms = translation.findall("numerusform")
        if forms:
            for form in forms:
                form.text = text
        else:
            translation.text = text
    ET.indent(tree)
    with open(path, "wb") as out:
        out.write(b'<?xml version="1.0" encoding="utf-8"?>\n<!DOCTYPE TS>\n')
        tree.write(out, encoding="utf-8", xml_declaration=False)
    if missing:
        print("untranslated:", *missing, sep="\n  ")
        return 1
    return 0

if __name__ == "__main__":
    sys.exit(main())
