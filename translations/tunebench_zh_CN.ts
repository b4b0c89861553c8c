<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../ui/main_window.cpp" line="+25" />
      <source>Tunebench</source>
      <translation>Tunebench</translation>
    </message>
    <message>
      <location line="+11" />
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Chat</source>
      <translation>对话</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Loading %1</source>
      <translation>正在加载 %1</translation>
    </message>
    <message>
      <location line="+7" />
      <source>Model loaded. Chat is ready.</source>
      <translation>模型已加载，可以开始对话。</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Model loaded without a tokenizer: choose one to chat.</source>
      <translation>模型已加载，但没有分词器：请选择一个分词器后再对话。</translation>
    </message>
    <message>
      <location line="+22" />
      <source>%1 tokens/s, stopped by %2</source>
      <translation>%1 词元/秒，停止原因：%2</translation>
    </message>
    <message numerus="yes">
      <location line="+2" />
      <source>; the %n oldest turn(s) were dropped to fit the context</source>
      <translation>
        <numerusform>；为适应上下文长度，已丢弃最早的 %n 轮对话</numerusform>
      </translation>
    </message>
    <message>
      <location line="+11" />
      <source>Open a model: a Hugging Face folder, a GGUF file or a llama2.c checkpoint.</source>
      <translation>打开模型：Hugging Face 文件夹、GGUF 文件或 llama2.c 检查点。</translation>
    </message>
    <message>
      <location line="+16" />
      <source>Import Hugging Face folder…</source>
      <translation>导入 Hugging Face 文件夹…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Import GGUF or llama2.c file…</source>
      <translation>导入 GGUF 或 llama2.c 文件…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Compute in bf16 (half the memory)</source>
      <translation>以 bf16 计算（内存减半）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Weights are kept in bfloat16. Faster on CPUs with AVX-512 BF16, slightly less exact.</source>
      <translation>权重以 bfloat16 保存。在支持 AVX-512 BF16 的 CPU 上更快，精度略低。</translation>
    </message>
    <message>
      <location line="+9" />
      <source>optional: a SentencePiece .model for weights without a tokenizer</source>
      <translation>可选：为不带分词器的权重指定 SentencePiece .model 文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Tokenizer</source>
      <translation>分词器</translation>
    </message>
    <message>
      <location line="+7" />
      <source>Cancel</source>
      <translation>取消</translation>
    </message>
    <message>
      <location line="+6" />
      <source>No model loaded.</source>
      <translation>尚未加载模型。</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Hugging Face model folder</source>
      <translation>Hugging Face 模型文件夹</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Model file</source>
      <translation>模型文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Models (*.gguf *.bin);;All files (*)</source>
      <translation>模型 (*.gguf *.bin);;所有文件 (*)</translation>
    </message>
    <message>
      <location line="+14" />
      <source>System prompt (optional)</source>
      <translation>系统提示词（可选）</translation>
    </message>
    <message>
      <location line="+5" />
      <source>0 always picks the most likely token (greedy)</source>
      <translation>设为 0 时总是选择概率最高的词元（贪心解码）</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Temperature</source>
      <translation>温度</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Max new tokens</source>
      <translation>最大生成词元数</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Type a message. Ctrl+Enter sends, Esc stops.</source>
      <translation>输入消息。Ctrl+Enter 发送，Esc 停止。</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Send</source>
      <translation>发送</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Stop</source>
      <translation>停止</translation>
    </message>
    <message>
      <location line="+2" />
      <source>New conversation</source>
      <translation>新对话</translation>
    </message>
    <message>
      <location line="+53" />
      <source>You:</source>
      <translation>你：</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Assistant:</source>
      <translation>助手：</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Generating…</source>
      <translation>正在生成…</translation>
    </message>
  </context>
  <context>
    <name>ModelWorker</name>
    <message>
      <location filename="../ui/model_worker.cpp" line="+48" />
      <location line="+26" />
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <location line="-16" />
      <source>Format</source>
      <translation>格式</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Architecture</source>
      <translation>架构</translation>
    </message>
    <message>
      <location line="+5" />
      <source>heads / KV heads</source>
      <translation>注意力头 / KV 头</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Parameters</source>
      <translation>参数量</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Stored / compute dtype</source>
      <translation>存储 / 计算精度</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Context</source>
      <translation>上下文长度</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Tokenizer</source>
      <translation>分词器</translation>
    </message>
    <message>
      <location line="+0" />
      <source>SentencePiece, %1 pieces</source>
      <translation>SentencePiece，%1 个词元</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Chat template</source>
      <translation>对话模板</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Threads</source>
      <translation>线程数</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Loading was cancelled.</source>
      <translation>加载已取消。</translation>
    </message>
    <message>
      <location line="+12" />
      <source>Load a model with a tokenizer first.</source>
      <translation>请先加载带分词器的模型。</translation>
    </message>
  </context>
  <context>
    <name>main</name>
    <message>
      <location filename="../app/gui/main.cpp" line="+30" />
      <source>Fine-tune and chat with Llama-family models</source>
      <translation>微调 Llama 系列模型并与之对话</translation>
    </message>
    <message>
      <location line="+3" />
      <source>UI language (en, zh_CN)</source>
      <translation>界面语言（en、zh_CN）</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Save a PNG of the window once the model is open, then quit</source>
      <translation>模型打开后将窗口保存为 PNG 图片，然后退出</translation>
    </message>
    <message>
      <location line="+3" />
      <source>A model to open</source>
      <translation>要打开的模型</translation>
    </message>
  </context>
</TS>