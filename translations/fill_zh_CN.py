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
    'Train': '训练',
    'step': '步数',
    'Log scale': '对数坐标',
    'Export…': '导出…',
    'Save this chart as PNG or its data as CSV': '将此图表保存为 PNG，或将其数据保存为 CSV',
    'Fit': '适应',
    'Show every point (after zooming or panning)': '显示全部数据点（缩放或平移之后）',
    'Export %1': '导出 %1',
    'PNG image (*.png);;CSV data (*.csv)': 'PNG 图像 (*.png);;CSV 数据 (*.csv)',
    'Data': '数据',
    'Method': '方法',
    'Optimisation': '优化',
    'Evaluation': '评估',
    'Training file: chat JSONL, ShareGPT, Alpaca, .txt, or CSV/TSV/JSONL with text and label columns': '训练文件：对话 JSONL、ShareGPT、Alpaca、.txt，或带文本列和标签列的 CSV/TSV/JSONL',
    'A separate validation file; empty = a share of the training rows': '单独的验证文件；留空则从训练数据中划出一部分',
    "The file's format; auto detects it from the extension and the first rows": '文件格式；auto 会根据扩展名和前几行自动识别',
    "How conversations become tokens; empty = the model's own template": '对话转换为词元的方式；留空则使用模型自带的模板',
    'A bad row: skip it (and report its line) or stop at the first one': '遇到错误行：跳过（并报告行号），或在第一处错误时停止',
    'An example longer than the context: truncate (keeps the last assistant turn) or skip': '样本超过上下文长度时：截断（保留最后一轮助手回复）或跳过',
    'Plain text: one document per paragraph, or the whole file as one stream': '纯文本：每个段落作为一篇文档，或将整个文件作为一个连续文本流',
    'Share of the rows held out for validation (fixed by the seed)': '留作验证集的数据比例（由随机种子固定）',
    'Put several short examples in one row; attention never crosses two examples': '将多个短样本拼入同一行；注意力不会跨越两个样本',
    "Take the loss on every token, not only the assistant's replies": '对所有词元计算损失，而不只是助手的回复',
    'Classification: the column holding the text': '分类：存放文本的列',
    'Classification: the column holding the label': '分类：存放标签的列',
    'Model to fine-tune (HF folder, GGUF, llama2.c); empty = train from scratch': '要微调的模型（HF 文件夹、GGUF、llama2.c）；留空则从零开始训练',
    'A SentencePiece .model; from scratch and empty = train one on the data': 'SentencePiece .model 文件；从零训练且留空时，将在数据上训练一个分词器',
    'Model size when training from scratch': '从零训练时的模型规模',
    'Tokens per training row': '每个训练行的词元数',
    'Pieces of a tokenizer trained from scratch': '从零训练的分词器的词表大小',
    'bpe or unigram subwords, or char: one piece per character': 'bpe 或 unigram 子词，或 char：每个字符一个词元',
    'Language model or intent classifier; auto follows the data': '语言模型或意图分类器；auto 根据数据决定',
    'LoRA: rank of the adapters; 0 = full fine-tuning': 'LoRA：适配器的秩；0 表示全量微调',
    'LoRA: the adapters are scaled by alpha / rank': 'LoRA：适配器按 alpha / 秩 缩放',
    "LoRA: dropout on the adapters' input while training": 'LoRA：训练时对适配器输入使用的 dropout',
    'LoRA: layers that get adapters (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)': 'LoRA：添加适配器的层（q_proj、k_proj、v_proj、o_proj、gate_proj、up_proj、down_proj）',
    'Keep the token embeddings fixed': '固定词嵌入不训练',
    'Keep the bottom N layers fixed': '固定最底部的 N 层不训练',
    'Classifier: train only the head': '分类器：只训练分类头',
    'bf16 halves the memory of a frozen base (LoRA, head only)': 'bf16 可将冻结基座模型的内存减半（LoRA、仅训练分类头）',
    'bf16: matrix products in bfloat16, about twice as fast on CPUs with AVX-512 BF16': 'bf16：以 bfloat16 计算矩阵乘法，在支持 AVX-512 BF16 的 CPU 上约快一倍',
    'Recompute each layer in the backward pass: much less memory, about a third more time': '反向传播时重新计算每一层：内存大幅减少，耗时约增加三分之一',
    'Optimizer steps; 0 = let epochs decide': '优化步数；0 表示由轮数决定',
    'Passes over the data when max_steps is 0': 'max_steps 为 0 时遍历数据的轮数',
    'Rows per micro-batch': '每个微批次的行数',
    'Micro-batches per optimizer step': '每个优化步的微批次数',
    'Peak learning rate': '峰值学习率',
    'Learning rate at the end of the schedule': '调度结束时的学习率',
    'Steps of linear warm-up': '线性预热的步数',
    'Learning rate after the warm-up': '预热之后的学习率变化方式',
    "AdamW's decoupled weight decay (not on norms)": 'AdamW 的解耦权重衰减（不作用于归一化层）',
    "Clip the gradient's global norm; 0 = off": '按全局范数裁剪梯度；0 表示关闭',
    'The same seed repeats a run exactly': '相同的种子可完全复现一次训练',
    'CPU threads; 0 = every core': 'CPU 线程数；0 表示使用全部核心',
    'Steps between evaluations; step 0 is the baseline': '两次评估之间的步数；第 0 步为基线',
    'Batches per evaluation during the run; the last one covers the whole split': '训练中每次评估的批次数；最后一次评估覆盖整个验证集',
    'Steps between checkpoints; 0 = at every evaluation': '两次检查点之间的步数；0 表示每次评估时保存',
    'Checkpoints to keep, besides the best': '除最佳检查点外保留的检查点数量',
    'Keep the checkpoint with the best early-stopping metric': '保留早停指标最佳的检查点',
    'Metric to watch: val_loss, macro_f1, check_pass_rate…; auto picks by task': '监控的指标：val_loss、macro_f1、check_pass_rate…；auto 按任务自动选择',
    'Stop after this many evaluations without improvement; 0 = off': '连续这么多次评估没有改进就停止；0 表示关闭',
    'JSONL of prompts with must_contain / must_not_contain / regex rules, run at every evaluation': '包含 must_contain / must_not_contain / regex 规则的提示 JSONL，每次评估时运行',
    'New tokens per dialogue check': '每条对话检查生成的新词元数',
    'Refuse a run whose memory estimate exceeds this; 0 = what is free now': '内存估算超过此值时拒绝训练；0 表示当前可用内存',
    'Where config, log, metrics and checkpoints go; empty = runs/<date-time>': '配置、日志、指标和检查点的保存位置；留空则为 runs/<日期-时间>',
    'Quick LoRA': '快速 LoRA',
    'Full fine-tune': '全量微调',
    'From scratch': '从零训练',
    'Intent classifier': '意图分类器',
    'Fills the options below with a starting point; change any of them': '用一组起始设置填写下面的选项；每一项都可以修改',
    "(the model's)": '（模型自带）',
    'Browse…': '浏览…',
    'Choose a folder': '选择文件夹',
    'Choose a file': '选择文件',
    'Start': '开始',
    'Pause': '暂停',
    'Check the options and start the run': '检查选项并开始训练',
    'Stop at the next step boundary and save a checkpoint to resume from': '在下一步结束时停止，并保存可用于继续训练的检查点',
    'Preset': '预设',
    'Loss': '损失',
    'train': '训练',
    'train (smoothed)': '训练（平滑）',
    'validation': '验证',
    'Learning rate': '学习率',
    'learning rate': '学习率',
    'Gradient norm': '梯度范数',
    'gradient norm': '梯度范数',
    'Tokens per second': '每秒词元数',
    'tokens/s': '词元/秒',
    '%1: "%2" is not a number': '%1：“%2”不是数字',
    'Resume': '继续',
    'paused (at the next step boundary)': '已暂停（在下一步结束时生效）',
    'resumed': '已继续',
    'stopping at the next step boundary…': '将在下一步结束时停止…',
    'ETA %1:%2': '预计剩余 %1:%2',
    'memory %1 MB': '内存 %1 MB',
    'evaluation at step %1: %2': '第 %1 步评估：%2',
    ' (best so far)': '（目前最佳）',
    ' (final)': '（最终）',
    'run %1: %2; peak memory %3 MB (estimate %4 MB)': '训练%1：%2；内存峰值 %3 MB（估算 %4 MB）',
    'failed: %1': '失败：%1',
    'checkpoint %1': '检查点 %1',
    'Stop': '停止',
    "finished": "已完成",
    "stopped": "已停止",
    "stopped early": "已提前停止",
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
