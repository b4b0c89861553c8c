<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>AboutDialog</name>
    <message>
      <location filename="../ui/about_dialog.cpp" line="+33" />
      <source>About Tunebench</source>
      <translation>关于 Tunebench</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Fine-tune and chat with Llama-family models on your own computer.</source>
      <translation>在您自己的电脑上微调 Llama 系列模型并与之对话。</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Tunebench is free software under the GNU General Public License, version 3. It comes with ABSOLUTELY NO WARRANTY. It is built on these components:</source>
      <translation>Tunebench 是自由软件，依据 GNU 通用公共许可证第 3 版发布，不提供任何担保。它基于以下组件构建：</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Component</source>
      <translation>组件</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Version</source>
      <translation>版本</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Licence</source>
      <translation>许可证</translation>
    </message>
    <message>
      <location line="+6" />
      <source>unknown</source>
      <translation>未知</translation>
    </message>
  </context>
  <context>
    <name>ClassifyPage</name>
    <message numerus="yes">
      <location filename="../ui/classify_page.cpp" line="+28" />
      <source>%1: %n intent(s): %2</source>
      <translation>
        <numerusform>%1：%n 个意图：%2</numerusform>
      </translation>
    </message>
    <message>
      <location line="+15" />
      <source>a classifier checkpoint, or a run directory (its best checkpoint)</source>
      <translation>分类器检查点，或训练目录（使用其最佳检查点）</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+25" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location line="-23" />
      <source>Choose a classifier or a run</source>
      <translation>选择分类器或训练目录</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Load</source>
      <translation>加载</translation>
    </message>
    <message>
      <location line="+2" />
      <source>No classifier loaded.</source>
      <translation>尚未加载分类器。</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Type an utterance, e.g. "where is my parcel?"</source>
      <translation>输入一句话，例如“我的包裹在哪里？”</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classify</source>
      <translation>分类</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Intent</source>
      <translation>意图</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Probability</source>
      <translation>概率</translation>
    </message>
    <message>
      <location line="+7" />
      <source>a labelled CSV, TSV or JSONL file</source>
      <translation>带标签的 CSV、TSV 或 JSONL 文件</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Choose a labelled file</source>
      <translation>选择带标签的文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Labelled data (*.csv *.tsv *.jsonl);;All files (*)</source>
      <translation>带标签的数据 (*.csv *.tsv *.jsonl);;所有文件 (*)</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Classify file</source>
      <translation>对文件分类</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Rows: the true intent; columns: the predicted one</source>
      <translation>行：真实意图；列：预测意图</translation>
    </message>
    <message>
      <location line="+13" />
      <source>One utterance</source>
      <translation>单句</translation>
    </message>
    <message>
      <location line="+8" />
      <source>A labelled file</source>
      <translation>带标签的文件</translation>
    </message>
    <message>
      <location line="+25" />
      <source>Loading %1…</source>
      <translation>正在加载 %1…</translation>
    </message>
    <message>
      <location line="+17" />
      <source>Classifying %1…</source>
      <translation>正在对 %1 分类…</translation>
    </message>
    <message>
      <location line="+45" />
      <source>accuracy %1, macro-F1 %2</source>
      <translation>准确率 %1，宏平均 F1 %2</translation>
    </message>
  </context>
  <context>
    <name>ClassifyWorker</name>
    <message>
      <location filename="../ui/classify_worker.cpp" line="+50" />
      <location line="+23" />
      <source>Load a classifier first.</source>
      <translation>请先加载分类器。</translation>
    </message>
  </context>
  <context>
    <name>DataPage</name>
    <message>
      <location filename="../ui/data_page.cpp" line="+58" />
      <source>Row</source>
      <translation>行</translation>
    </message>
    <message>
      <location line="+26" />
      <source>of %1 training examples</source>
      <translation>，共 %1 个训练样本</translation>
    </message>
    <message>
      <location line="+7" />
      <source>Open a dataset, or drop a file on the window</source>
      <translation>打开数据集，或将文件拖放到窗口中</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Open…</source>
      <translation>打开…</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Open a dataset</source>
      <translation>打开数据集</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Datasets (*.jsonl *.json *.txt *.csv *.tsv);;All files (*)</source>
      <translation>数据集 (*.jsonl *.json *.txt *.csv *.tsv);;所有文件 (*)</translation>
    </message>
    <message>
      <location line="+7" />
      <source>Detected from the extension and the first rows; choose another to override</source>
      <translation>根据扩展名和前几行自动识别；可选择其他格式覆盖</translation>
    </message>
    <message>
      <location line="+2" />
      <source>a model or a SentencePiece .model, to count tokens</source>
      <translation>用于统计词元的模型或 SentencePiece .model 文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Choose a tokenizer or model</source>
      <translation>选择分词器或模型</translation>
    </message>
    <message>
      <location line="+15" />
      <source>optional: a separate validation file</source>
      <translation>可选：单独的验证文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Apply</source>
      <translation>应用</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Reload with these settings and use this data on the Train page</source>
      <translation>按这些设置重新加载，并在训练页使用这份数据</translation>
    </message>
    <message>
      <location line="+11" />
      <source>File</source>
      <translation>文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Format</source>
      <translation>格式</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Tokenizer</source>
      <translation>分词器</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Context length</source>
      <translation>上下文长度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Train / validation split</source>
      <translation>训练集 / 验证集划分</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Validation share</source>
      <translation>验证集比例</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Validation file</source>
      <translation>验证文件</translation>
    </message>
    <message>
      <location line="+16" />
      <source>Click a problem to see its row</source>
      <translation>点击问题即可查看对应的行</translation>
    </message>
    <message>
      <location line="+5" />
      <source>tokens per example</source>
      <translation>每个样本的词元数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>examples</source>
      <translation>样本数</translation>
    </message>
    <message>
      <location line="+8" />
      <source>&lt;span style='background:#bfe8bf'&gt;&amp;nbsp;trained tokens&amp;nbsp;&lt;/span&gt; &lt;span style='background:#e0e0e0; border:1px solid #999'&gt;&amp;nbsp;special tokens&amp;nbsp;&lt;/span&gt;</source>
      <translation>&lt;span style='background:#bfe8bf'&gt;&amp;nbsp;参与训练的词元&amp;nbsp;&lt;/span&gt; &lt;span style='background:#e0e0e0; border:1px solid #999'&gt;&amp;nbsp;特殊词元&amp;nbsp;&lt;/span&gt;</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Example</source>
      <translation>样本</translation>
    </message>
    <message>
      <location line="+11" />
      <source>Problems</source>
      <translation>问题</translation>
    </message>
    <message>
      <location line="+58" />
      <source>Reading %1…</source>
      <translation>正在读取 %1…</translation>
    </message>
    <message>
      <location line="+10" />
      <source>Format: %1. Choose a tokenizer (or a model) to validate the rows, count tokens and see which tokens are trained.</source>
      <translation>格式：%1。选择分词器（或模型）后即可校验各行、统计词元，并查看哪些词元参与训练。</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Format: %1 (template %2). Rows read %3, used %4, truncated %5, skipped as too long %6, invalid %7. %8 training and %9 validation examples.</source>
      <translation>格式：%1（模板 %2）。读取 %3 行，使用 %4 行，截断 %5 行，因过长跳过 %6 行，无效 %7 行。训练样本 %8 个，验证样本 %9 个。</translation>
    </message>
    <message>
      <location line="+12" />
      <source>Labels: %1.</source>
      <translation>标签：%1。</translation>
    </message>
    <message>
      <location line="+4" />
      <source>line %1: %2</source>
      <translation>第 %1 行：%2</translation>
    </message>
    <message>
      <location line="+40" />
      <source>training</source>
      <translation>训练</translation>
    </message>
    <message>
      <location line="+1" />
      <source>validation</source>
      <translation>验证</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../ui/main_window.cpp" line="+34" />
      <source>Tunebench</source>
      <translation>Tunebench</translation>
    </message>
    <message>
      <location line="+14" />
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Chat</source>
      <translation>对话</translation>
    </message>
    <message>
      <location line="-2" />
      <source>Train</source>
      <translation>训练</translation>
    </message>
    <message>
      <location line="-2" />
      <source>Data</source>
      <translation>数据</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Classify</source>
      <translation>分类</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Runs</source>
      <translation>训练记录</translation>
    </message>
    <message>
      <location line="+7" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <location line="+3" />
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <location line="+1" />
      <source>&amp;About Tunebench</source>
      <translation>关于 Tunebench(&amp;A)</translation>
    </message>
    <message>
      <location line="+11" />
      <source>Chatting with the run in progress, as it was at step %1.</source>
      <translation>正在与进行中的训练对话（第 %1 步时的权重）。</translation>
    </message>
    <message>
      <location line="+16" />
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
      <location line="+6" />
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
      <location line="+83" />
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
    <name>MetricPlot</name>
    <message>
      <location filename="../ui/metric_plot.cpp" line="+25" />
      <source>step</source>
      <translation>步数</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Log scale</source>
      <translation>对数坐标</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Export…</source>
      <translation>导出…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Save this chart as PNG or its data as CSV</source>
      <translation>将此图表保存为 PNG，或将其数据保存为 CSV</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Fit</source>
      <translation>适应</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Show every point (after zooming or panning)</source>
      <translation>显示全部数据点（缩放或平移之后）</translation>
    </message>
    <message>
      <location line="+135" />
      <source>Export %1</source>
      <translation>导出 %1</translation>
    </message>
    <message>
      <location line="+1" />
      <source>PNG image (*.png);;CSV data (*.csv)</source>
      <translation>PNG 图像 (*.png);;CSV 数据 (*.csv)</translation>
    </message>
  </context>
  <context>
    <name>ModelWorker</name>
    <message>
      <location filename="../ui/model_worker.cpp" line="+52" />
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
    <name>RunsPage</name>
    <message>
      <location filename="../ui/runs_page.cpp" line="+47" />
      <source>Exported to %1</source>
      <translation>已导出到 %1</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Folder of runs</source>
      <translation>训练记录所在文件夹</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Run</source>
      <translation>训练</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Status</source>
      <translation>状态</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Steps</source>
      <translation>步数</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Final metrics</source>
      <translation>最终指标</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Best</source>
      <translation>最佳</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Started</source>
      <translation>开始时间</translation>
    </message>
    <message>
      <location line="+9" />
      <source>validation loss</source>
      <translation>验证损失</translation>
    </message>
    <message>
      <location line="+1" />
      <source>training loss</source>
      <translation>训练损失</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Selected runs</source>
      <translation>所选训练</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Resume</source>
      <translation>继续</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Continue the selected run from its last checkpoint</source>
      <translation>从最后一个检查点继续所选训练</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Open folder</source>
      <translation>打开文件夹</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Delete…</source>
      <translation>删除…</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Export to HF…</source>
      <translation>导出为 HF…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Export to GGUF…</source>
      <translation>导出为 GGUF…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>The best (else last) checkpoint, LoRA merged, as a Hugging Face folder</source>
      <translation>将最佳（否则为最后一个）检查点合并 LoRA 后导出为 Hugging Face 文件夹</translation>
    </message>
    <message>
      <location line="+1" />
      <source>The best (else last) checkpoint, LoRA merged, as a GGUF file for llama.cpp, Ollama, LM Studio</source>
      <translation>将最佳（否则为最后一个）检查点合并 LoRA 后导出为 GGUF 文件，供 llama.cpp、Ollama、LM Studio 使用</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Export to a folder</source>
      <translation>导出到文件夹</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Export to a GGUF file</source>
      <translation>导出为 GGUF 文件</translation>
    </message>
    <message>
      <location line="+0" />
      <source>GGUF (*.gguf)</source>
      <translation>GGUF (*.gguf)</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Runs in</source>
      <translation>训练记录位置</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Curve</source>
      <translation>曲线</translation>
    </message>
    <message>
      <location line="+40" />
      <source>running or interrupted</source>
      <translation>进行中或已中断</translation>
    </message>
    <message>
      <location line="+14" />
      <source>%1 %2 at step %3</source>
      <translation>%1 %2（第 %3 步）</translation>
    </message>
    <message numerus="yes">
      <location line="+8" />
      <source>%n run(s)</source>
      <translation>
        <numerusform>%n 次训练</numerusform>
      </translation>
    </message>
    <message>
      <location line="+57" />
      <source>Delete run</source>
      <translation>删除训练</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Delete the run %1 with all its checkpoints? This cannot be undone.</source>
      <translation>删除训练 %1 及其全部检查点？此操作无法撤销。</translation>
    </message>
    <message>
      <location line="+10" />
      <source>Exporting %1…</source>
      <translation>正在导出 %1…</translation>
    </message>
  </context>
  <context>
    <name>SettingsPage</name>
    <message>
      <location filename="../ui/settings_page.cpp" line="+19" />
      <source>Computation</source>
      <translation>计算</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Automatic (a GPU if there is one, else the CPU)</source>
      <translation>自动（有 GPU 时使用 GPU，否则使用 CPU）</translation>
    </message>
    <message>
      <location line="+3" />
      <source>CPU</source>
      <translation>CPU</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Device</source>
      <translation>设备</translation>
    </message>
    <message>
      <location line="+5" />
      <source>One per core (%1)</source>
      <translation>每个核心一个（%1）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Threads</source>
      <translation>线程数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Used by the next model, chat or classifier that is loaded; a training run uses the threads of its own settings. Devices other than the CPU appear when this LibTorch build supports them (CUDA, MPS).</source>
      <translation>用于之后加载的模型、对话或分类器；训练任务使用其自身设置中的线程数。当前 LibTorch 版本支持时（CUDA、MPS），这里会列出 CPU 以外的设备。</translation>
    </message>
    <message>
      <location line="+7" />
      <source>Appearance</source>
      <translation>外观</translation>
    </message>
    <message>
      <location line="+4" />
      <source>System language</source>
      <translation>跟随系统语言</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Language</source>
      <translation>语言</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A new language takes effect the next time Tunebench starts.</source>
      <translation>新的语言将在下次启动 Tunebench 时生效。</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Tunebench follows the system's style and colours (light or dark).</source>
      <translation>Tunebench 跟随系统的样式和配色（浅色或深色）。</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Style</source>
      <translation>样式</translation>
    </message>
  </context>
  <context>
    <name>TrainPage</name>
    <message>
      <location filename="../ui/train_page.cpp" line="+41" />
      <source>Data</source>
      <translation>数据</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Method</source>
      <translation>方法</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Optimisation</source>
      <translation>优化</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+224" />
      <source>Evaluation</source>
      <translation>评估</translation>
    </message>
    <message>
      <location line="-217" />
      <source>Training file: chat JSONL, ShareGPT, Alpaca, .txt, or CSV/TSV/JSONL with text and label columns</source>
      <translation>训练文件：对话 JSONL、ShareGPT、Alpaca、.txt，或带文本列和标签列的 CSV/TSV/JSONL</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A separate validation file; empty = a share of the training rows</source>
      <translation>单独的验证文件；留空则从训练数据中划出一部分</translation>
    </message>
    <message>
      <location line="+1" />
      <source>The file's format; auto detects it from the extension and the first rows</source>
      <translation>文件格式；auto 会根据扩展名和前几行自动识别</translation>
    </message>
    <message>
      <location line="+1" />
      <source>How conversations become tokens; empty = the model's own template</source>
      <translation>对话转换为词元的方式；留空则使用模型自带的模板</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A bad row: skip it (and report its line) or stop at the first one</source>
      <translation>遇到错误行：跳过（并报告行号），或在第一处错误时停止</translation>
    </message>
    <message>
      <location line="+1" />
      <source>An example longer than the context: truncate (keeps the last assistant turn) or skip</source>
      <translation>样本超过上下文长度时：截断（保留最后一轮助手回复）或跳过</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Plain text: one document per paragraph, or the whole file as one stream</source>
      <translation>纯文本：每个段落作为一篇文档，或将整个文件作为一个连续文本流</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Share of the rows held out for validation (fixed by the seed)</source>
      <translation>留作验证集的数据比例（由随机种子固定）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Put several short examples in one row; attention never crosses two examples</source>
      <translation>将多个短样本拼入同一行；注意力不会跨越两个样本</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Take the loss on every token, not only the assistant's replies</source>
      <translation>对所有词元计算损失，而不只是助手的回复</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classification: the column holding the text</source>
      <translation>分类：存放文本的列</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classification: the column holding the label</source>
      <translation>分类：存放标签的列</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Model to fine-tune (HF folder, GGUF, llama2.c); empty = train from scratch</source>
      <translation>要微调的模型（HF 文件夹、GGUF、llama2.c）；留空则从零开始训练</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A SentencePiece .model; from scratch and empty = train one on the data</source>
      <translation>SentencePiece .model 文件；从零训练且留空时，将在数据上训练一个分词器</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Model size when training from scratch</source>
      <translation>从零训练时的模型规模</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Tokens per training row</source>
      <translation>每个训练行的词元数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Pieces of a tokenizer trained from scratch</source>
      <translation>从零训练的分词器的词表大小</translation>
    </message>
    <message>
      <location line="+1" />
      <source>bpe or unigram subwords, or char: one piece per character</source>
      <translation>bpe 或 unigram 子词，或 char：每个字符一个词元</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Language model or intent classifier; auto follows the data</source>
      <translation>语言模型或意图分类器；auto 根据数据决定</translation>
    </message>
    <message>
      <location line="+1" />
      <source>LoRA: rank of the adapters; 0 = full fine-tuning</source>
      <translation>LoRA：适配器的秩；0 表示全量微调</translation>
    </message>
    <message>
      <location line="+1" />
      <source>LoRA: the adapters are scaled by alpha / rank</source>
      <translation>LoRA：适配器按 alpha / 秩 缩放</translation>
    </message>
    <message>
      <location line="+1" />
      <source>LoRA: dropout on the adapters' input while training</source>
      <translation>LoRA：训练时对适配器输入使用的 dropout</translation>
    </message>
    <message>
      <location line="+1" />
      <source>LoRA: layers that get adapters (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)</source>
      <translation>LoRA：添加适配器的层（q_proj、k_proj、v_proj、o_proj、gate_proj、up_proj、down_proj）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Keep the token embeddings fixed</source>
      <translation>固定词嵌入不训练</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Keep the bottom N layers fixed</source>
      <translation>固定最底部的 N 层不训练</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classifier: train only the head</source>
      <translation>分类器：只训练分类头</translation>
    </message>
    <message>
      <location line="+1" />
      <source>bf16 halves the memory of a frozen base (LoRA, head only)</source>
      <translation>bf16 可将冻结基座模型的内存减半（LoRA、仅训练分类头）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>bf16: matrix products in bfloat16, about twice as fast on CPUs with AVX-512 BF16</source>
      <translation>bf16：以 bfloat16 计算矩阵乘法，在支持 AVX-512 BF16 的 CPU 上约快一倍</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Recompute each layer in the backward pass: much less memory, about a third more time</source>
      <translation>反向传播时重新计算每一层：内存大幅减少，耗时约增加三分之一</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Optimizer steps; 0 = let epochs decide</source>
      <translation>优化步数；0 表示由轮数决定</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Passes over the data when max_steps is 0</source>
      <translation>max_steps 为 0 时遍历数据的轮数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Rows per micro-batch</source>
      <translation>每个微批次的行数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Micro-batches per optimizer step</source>
      <translation>每个优化步的微批次数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Peak learning rate</source>
      <translation>峰值学习率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Learning rate at the end of the schedule</source>
      <translation>调度结束时的学习率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Steps of linear warm-up</source>
      <translation>线性预热的步数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Learning rate after the warm-up</source>
      <translation>预热之后的学习率变化方式</translation>
    </message>
    <message>
      <location line="+1" />
      <source>AdamW's decoupled weight decay (not on norms)</source>
      <translation>AdamW 的解耦权重衰减（不作用于归一化层）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Clip the gradient's global norm; 0 = off</source>
      <translation>按全局范数裁剪梯度；0 表示关闭</translation>
    </message>
    <message>
      <location line="+1" />
      <source>The same seed repeats a run exactly</source>
      <translation>相同的种子可完全复现一次训练</translation>
    </message>
    <message>
      <location line="+1" />
      <source>CPU threads; 0 = every core</source>
      <translation>CPU 线程数；0 表示使用全部核心</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Steps between evaluations; step 0 is the baseline</source>
      <translation>两次评估之间的步数；第 0 步为基线</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Batches per evaluation during the run; the last one covers the whole split</source>
      <translation>训练中每次评估的批次数；最后一次评估覆盖整个验证集</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Steps between checkpoints; 0 = at every evaluation</source>
      <translation>两次检查点之间的步数；0 表示每次评估时保存</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Checkpoints to keep, besides the best</source>
      <translation>除最佳检查点外保留的检查点数量</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Keep the checkpoint with the best early-stopping metric</source>
      <translation>保留早停指标最佳的检查点</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Metric to watch: val_loss, macro_f1, check_pass_rate…; auto picks by task</source>
      <translation>监控的指标：val_loss、macro_f1、check_pass_rate…；auto 按任务自动选择</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Stop after this many evaluations without improvement; 0 = off</source>
      <translation>连续这么多次评估没有改进就停止；0 表示关闭</translation>
    </message>
    <message>
      <location line="+1" />
      <source>JSONL of prompts with must_contain / must_not_contain / regex rules, run at every evaluation</source>
      <translation>包含 must_contain / must_not_contain / regex 规则的提示 JSONL，每次评估时运行</translation>
    </message>
    <message>
      <location line="+1" />
      <source>New tokens per dialogue check</source>
      <translation>每条对话检查生成的新词元数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Refuse a run whose memory estimate exceeds this; 0 = what is free now</source>
      <translation>内存估算超过此值时拒绝训练；0 表示当前可用内存</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Where config, log, metrics and checkpoints go; empty = runs/&lt;date-time&gt;</source>
      <translation>配置、日志、指标和检查点的保存位置；留空则为 runs/&lt;日期-时间&gt;</translation>
    </message>
    <message>
      <location line="+53" />
      <source>Quick LoRA</source>
      <translation>快速 LoRA</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Full fine-tune</source>
      <translation>全量微调</translation>
    </message>
    <message>
      <location line="+1" />
      <source>From scratch</source>
      <translation>从零训练</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Intent classifier</source>
      <translation>意图分类器</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Fills the options below with a starting point; change any of them</source>
      <translation>用一组起始设置填写下面的选项；每一项都可以修改</translation>
    </message>
    <message>
      <location line="+24" />
      <source>(the model's)</source>
      <translation>（模型自带）</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Choose a folder</source>
      <translation>选择文件夹</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Choose a file</source>
      <translation>选择文件</translation>
    </message>
    <message>
      <location line="+25" />
      <source>Start</source>
      <translation>开始</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+199" />
      <location line="+42" />
      <source>Pause</source>
      <translation>暂停</translation>
    </message>
    <message>
      <location line="-240" />
      <source>Stop</source>
      <translation>停止</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Check the options and start the run</source>
      <translation>检查选项并开始训练</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Stop at the next step boundary and save a checkpoint to resume from</source>
      <translation>在下一步结束时停止，并保存可用于继续训练的检查点</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Chat with this run</source>
      <translation>与当前训练对话</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Talk to the weights as they are now, while the run goes on; nothing is saved first</source>
      <translation>在训练继续进行的同时，与此刻的权重对话；无需先保存</translation>
    </message>
    <message>
      <location line="+13" />
      <source>Preset</source>
      <translation>预设</translation>
    </message>
    <message>
      <location line="+17" />
      <source>Loss</source>
      <translation>损失</translation>
    </message>
    <message>
      <location line="+1" />
      <source>train</source>
      <translation>训练</translation>
    </message>
    <message>
      <location line="+1" />
      <source>train (smoothed)</source>
      <translation>训练（平滑）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>validation</source>
      <translation>验证</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Learning rate</source>
      <translation>学习率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>learning rate</source>
      <translation>学习率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Gradient norm</source>
      <translation>梯度范数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>gradient norm</source>
      <translation>梯度范数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Tokens per second</source>
      <translation>每秒词元数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>tokens/s</source>
      <translation>词元/秒</translation>
    </message>
    <message>
      <location line="+94" />
      <source>%1: "%2" is not a number</source>
      <translation>%1：“%2”不是数字</translation>
    </message>
    <message>
      <location line="+46" />
      <source>resuming %1</source>
      <translation>正在继续 %1</translation>
    </message>
    <message>
      <location line="+12" />
      <source>Resume</source>
      <translation>继续</translation>
    </message>
    <message>
      <location line="+1" />
      <source>paused (at the next step boundary)</source>
      <translation>已暂停（在下一步结束时生效）</translation>
    </message>
    <message>
      <location line="+0" />
      <source>resumed</source>
      <translation>已继续</translation>
    </message>
    <message>
      <location line="+10" />
      <source>stopping at the next step boundary…</source>
      <translation>将在下一步结束时停止…</translation>
    </message>
    <message>
      <location line="+43" />
      <source>ETA %1:%2</source>
      <translation>预计剩余 %1:%2</translation>
    </message>
    <message>
      <location line="+1" />
      <source>memory %1 MB</source>
      <translation>内存 %1 MB</translation>
    </message>
    <message>
      <location line="+29" />
      <source>evaluation at step %1: %2</source>
      <translation>第 %1 步评估：%2</translation>
    </message>
    <message>
      <location line="+1" />
      <source> (best so far)</source>
      <translation>（目前最佳）</translation>
    </message>
    <message>
      <location line="+0" />
      <source> (final)</source>
      <translation>（最终）</translation>
    </message>
    <message>
      <location filename="../ui/run_status.h" line="+10" />
      <source>finished</source>
      <translation>已完成</translation>
    </message>
    <message>
      <location line="+2" />
      <source>stopped</source>
      <translation>已停止</translation>
    </message>
    <message>
      <location line="+2" />
      <source>stopped early</source>
      <translation>已提前停止</translation>
    </message>
    <message>
      <location filename="../ui/train_page.cpp" line="+7" />
      <source>run %1: %2; peak memory %3 MB (estimate %4 MB)</source>
      <translation>训练%1：%2；内存峰值 %3 MB（估算 %4 MB）</translation>
    </message>
    <message>
      <location line="+11" />
      <source>failed: %1</source>
      <translation>失败：%1</translation>
    </message>
  </context>
  <context>
    <name>TrainWorker</name>
    <message>
      <location filename="../ui/train_worker.cpp" line="+59" />
      <source>checkpoint %1</source>
      <translation>检查点 %1</translation>
    </message>
  </context>
  <context>
    <name>main</name>
    <message>
      <location filename="../app/gui/main.cpp" line="+86" />
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
      <location line="+4" />
      <source>Open the window, load the bundled sample project and exit (0 when all works)</source>
      <translation>打开窗口，加载自带的示例项目后退出（一切正常时返回 0）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>A model to open</source>
      <translation>要打开的模型</translation>
    </message>
  </context>
</TS>