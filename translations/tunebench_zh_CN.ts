<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="zh_CN">
  <context>
    <name>AboutDialog</name>
    <message>
      <location filename="../ui/shell/about_dialog.cpp" line="+33" />
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
      <location line="+7" />
      <source>unknown</source>
      <translation>未知</translation>
    </message>
  </context>
  <context>
    <name>ChatPage</name>
    <message>
      <location filename="../ui/chat/chat_page.cpp" line="+62" />
      <location line="+1" />
      <source>Side by side</source>
      <translation>并排对比</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Two conversations next to each other: each message goes to both models, and both answers stream at once</source>
      <translation>两个对话并排显示：每条消息同时发给两个模型，两边的回答同时逐字输出</translation>
    </message>
    <message>
      <location line="+2" />
      <location line="+1" />
      <source>New conversation</source>
      <translation>新对话</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Forget the turns (the settings and models stay)</source>
      <translation>清空对话内容（设置和模型保持不变）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Save…</source>
      <translation>保存…</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+569" />
      <source>Save the conversation</source>
      <translation>保存对话</translation>
    </message>
    <message>
      <location line="-568" />
      <source>Save as JSON (everything, loads back) or Markdown (to read and share)</source>
      <translation>保存为 JSON（完整内容，可重新载入）或 Markdown（便于阅读和分享）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Load…</source>
      <translation>载入…</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+582" />
      <source>Load a conversation</source>
      <translation>载入对话</translation>
    </message>
    <message>
      <location line="-581" />
      <source>Open a conversation saved as JSON and continue it</source>
      <translation>打开以 JSON 保存的对话并继续</translation>
    </message>
    <message>
      <location line="+10" />
      <source>the left pane</source>
      <translation>左侧窗格</translation>
    </message>
    <message>
      <location line="+1" />
      <source>the right pane</source>
      <translation>右侧窗格</translation>
    </message>
    <message>
      <location line="+16" />
      <location line="+1" />
      <source>Cancel edit</source>
      <translation>取消编辑</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Message</source>
      <translation>消息</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Type a message. Ctrl+Enter sends, Esc stops.</source>
      <translation>输入消息。Ctrl+Enter 发送，Esc 停止。</translation>
    </message>
    <message>
      <location line="+11" />
      <source>Regenerate</source>
      <translation>重新生成</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Regenerate the last reply</source>
      <translation>重新生成最后一条回复</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Drop the last reply and sample it again (with the current settings)</source>
      <translation>丢弃最后一条回复，并用当前设置重新采样</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+1" />
      <source>Stop</source>
      <translation>停止</translation>
    </message>
    <message>
      <location line="+1" />
      <source>End the replies being written (Esc)</source>
      <translation>停止正在生成的回复（Esc）</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+1" />
      <source>Send</source>
      <translation>发送</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Send the message (Ctrl+Enter)</source>
      <translation>发送消息（Ctrl+Enter）</translation>
    </message>
    <message>
      <location line="+73" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <location line="+8" />
      <location line="+5" />
      <source>System prompt</source>
      <translation>系统提示词</translation>
    </message>
    <message>
      <location line="-4" />
      <source>optional: how the assistant should behave</source>
      <translation>可选：助手应如何表现</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Instructions put before the conversation, in the model's chat format</source>
      <translation>按模型的对话格式放在对话开头的指令</translation>
    </message>
    <message>
      <location line="+9" />
      <location line="+3" />
      <source>Temperature</source>
      <translation>温度</translation>
    </message>
    <message>
      <location line="-2" />
      <source>How random the choice of each token is. 0 always takes the most likely token (greedy: the same reply every time); higher is more varied</source>
      <translation>每个词元选择的随机程度。设为 0 时总是选概率最高的词元（贪心解码：每次回复都相同）；越高越多样</translation>
    </message>
    <message>
      <location line="+7" />
      <source>off</source>
      <translation>关闭</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+2" />
      <source>Top-k</source>
      <translation>Top-k</translation>
    </message>
    <message>
      <location line="-1" />
      <source>Sample only among the k most likely tokens (0 = off)</source>
      <translation>只在概率最高的 k 个词元中采样（0 表示关闭）</translation>
    </message>
    <message>
      <location line="+7" />
      <location line="+3" />
      <source>Top-p</source>
      <translation>Top-p</translation>
    </message>
    <message>
      <location line="-2" />
      <source>Sample only among the most likely tokens that together hold this much probability (1 = off)</source>
      <translation>只在累计概率达到该值的最可能词元中采样（1 表示关闭）</translation>
    </message>
    <message>
      <location line="+8" />
      <location line="+3" />
      <source>Repetition penalty</source>
      <translation>重复惩罚</translation>
    </message>
    <message>
      <location line="-2" />
      <source>Makes tokens already in the conversation less likely, against loops (1 = off; 1.1 to 1.3 is usual)</source>
      <translation>降低对话中已出现词元的概率，避免循环重复（1 表示关闭；常用 1.1 到 1.3）</translation>
    </message>
    <message>
      <location line="+7" />
      <location line="+2" />
      <source>Max new tokens</source>
      <translation>最大生成词元数</translation>
    </message>
    <message>
      <location line="-1" />
      <source>The longest reply, in tokens (a reply also ends when the context is full)</source>
      <translation>回复的最大长度（词元数）；上下文写满时回复也会结束</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Random</source>
      <translation>随机</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A new seed for every reply. Each reply shows the seed it used, to get it again</source>
      <translation>每条回复使用新的种子。每条回复都会显示所用的种子，便于复现</translation>
    </message>
    <message>
      <location line="+4" />
      <location line="+5" />
      <source>Seed</source>
      <translation>种子</translation>
    </message>
    <message>
      <location line="-4" />
      <source>With the same seed, settings and conversation, a sampled reply comes out the same</source>
      <translation>种子、设置和对话都相同时，采样得到的回复也相同</translation>
    </message>
    <message>
      <location line="+8" />
      <location line="+6" />
      <source>Stop strings</source>
      <translation>停止字符串</translation>
    </message>
    <message>
      <location line="-5" />
      <source>one per line; \n is a newline</source>
      <translation>每行一个；\n 表示换行</translation>
    </message>
    <message>
      <location line="+1" />
      <source>The reply ends before the first of these texts (one per line; write \n for a newline, \t for a tab)</source>
      <translation>回复在首次出现这些文本之前结束（每行一个；\n 表示换行，\t 表示制表符）</translation>
    </message>
    <message>
      <location line="+6" />
      <location line="+2" />
      <source>Stop at end of text</source>
      <translation>遇到结束符时停止</translation>
    </message>
    <message>
      <location line="+1" />
      <source>End the reply when the model writes its end-of-text token (off: it goes on to the token limit)</source>
      <translation>模型输出结束符时结束回复（关闭时会一直生成到词元上限）</translation>
    </message>
    <message>
      <location line="+94" />
      <source>A reply is still being written; wait for it or press Stop.</source>
      <translation>回复仍在生成中；请等待或按“停止”。</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Choose a model to talk to first (in the list above the conversation).</source>
      <translation>请先选择要对话的模型（在对话上方的列表中）。</translation>
    </message>
    <message>
      <location line="+30" />
      <source>Editing message %1: sending replaces it and cuts the conversation there.</source>
      <translation>正在编辑第 %1 条消息：发送后将替换它，并从此处截断对话。</translation>
    </message>
    <message>
      <location line="+83" />
      <source>the run in progress</source>
      <translation>进行中的训练</translation>
    </message>
    <message>
      <location line="+25" />
      <source>Run %1 (best, else last checkpoint)</source>
      <translation>训练 %1（最佳检查点，否则为最后一个）</translation>
    </message>
    <message>
      <location line="+18" />
      <source>Run in progress (live weights, step %1)</source>
      <translation>进行中的训练（实时权重，第 %1 步）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Run in progress (live weights)</source>
      <translation>进行中的训练（实时权重）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Open a model or checkpoint…</source>
      <translation>打开模型或检查点…</translation>
    </message>
    <message>
      <location line="+14" />
      <source>Open a model or checkpoint</source>
      <translation>打开模型或检查点</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Models and checkpoints (config.json adapter_config.json *.safetensors *.gguf *.bin);;All files (*)</source>
      <translation>模型和检查点 (config.json adapter_config.json *.safetensors *.gguf *.bin);;所有文件 (*)</translation>
    </message>
    <message>
      <location line="+25" />
      <source>Could not save %1: %2</source>
      <translation>无法保存 %1：%2</translation>
    </message>
    <message>
      <location line="+20" />
      <source>Stop the reply being written before loading a conversation.</source>
      <translation>载入对话前，请先停止正在生成的回复。</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Could not open %1: %2</source>
      <translation>无法打开 %1：%2</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Could not open %1: %2. The current conversation is kept.</source>
      <translation>无法打开 %1：%2。当前对话已保留。</translation>
    </message>
    <message>
      <location line="+26" />
      <source>Chat as JSON (*.json);;Markdown (*.md)</source>
      <translation>对话 JSON (*.json);;Markdown (*.md)</translation>
    </message>
    <message>
      <location line="+15" />
      <source>Chat as JSON (*.json)</source>
      <translation>对话 JSON (*.json)</translation>
    </message>
  </context>
  <context>
    <name>ChatPane</name>
    <message>
      <location filename="../ui/chat/chat_pane.cpp" line="+53" />
      <source>Model for %1</source>
      <translation>%1的模型</translation>
    </message>
    <message>
      <location line="+1" />
      <source>What this conversation talks to: a loaded model, a checkpoint of a run, a model file or folder, or the live weights of the run in progress</source>
      <translation>此对话使用的模型：已加载的模型、训练的检查点、模型文件或文件夹，或进行中训练的实时权重</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Refresh</source>
      <translation>刷新</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Refresh models for %1</source>
      <translation>刷新%1的模型</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Take fresh weights from the run in progress (when talking to it) and list the runs' checkpoints again</source>
      <translation>从进行中的训练获取最新权重（正在与其对话时），并重新列出各训练的检查点</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Loading progress</source>
      <translation>加载进度</translation>
    </message>
    <message>
      <location line="+9" />
      <source>Conversation with %1</source>
      <translation>%1的对话</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Choose a model above, then type a message below.</source>
      <translation>请在上方选择模型，然后在下方输入消息。</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Status of %1</source>
      <translation>%1的状态</translation>
    </message>
    <message>
      <location line="+24" />
      <source>Could not use %1: %2</source>
      <translation>无法使用 %1：%2</translation>
    </message>
    <message>
      <location line="+15" />
      <source>the run in progress at step %1</source>
      <translation>第 %1 步时的进行中训练</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Talking to %1 (chat format %2, context %3 tokens).</source>
      <translation>正在与 %1 对话（对话格式 %2，上下文 %3 个词元）。</translation>
    </message>
    <message>
      <location line="+18" />
      <source>%1 tokens/s, %2 tokens, stopped by %3.</source>
      <translation>%1 词元/秒，%2 个词元，停止原因：%3。</translation>
    </message>
    <message numerus="yes">
      <location line="+6" />
      <source>The %n oldest exchange(s) were left out to fit the model's context.</source>
      <translation>
        <numerusform>为适应模型的上下文长度，最早的 %n 轮对话未被纳入。</numerusform>
      </translation>
    </message>
    <message>
      <location line="+42" />
      <source>Choose a model…</source>
      <translation>选择模型…</translation>
    </message>
    <message>
      <location line="+40" />
      <source>Waiting for the run in progress to hand over its weights…</source>
      <translation>正在等待进行中的训练交出权重…</translation>
    </message>
    <message>
      <location line="+50" />
      <source>Loading %1…</source>
      <translation>正在加载 %1…</translation>
    </message>
    <message>
      <location line="+10" />
      <location line="+83" />
      <source>Assistant</source>
      <translation>助手</translation>
    </message>
    <message>
      <location line="-79" />
      <source>Generating…</source>
      <translation>正在生成…</translation>
    </message>
    <message>
      <location line="+62" />
      <source>Conversation loaded; it goes on with %1.</source>
      <translation>对话已载入，将继续与 %1 对话。</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Conversation loaded (it was with %1). Choose a model to continue it.</source>
      <translation>对话已载入（原对话模型为 %1）。请选择一个模型以继续。</translation>
    </message>
    <message>
      <location line="+1" />
      <source>an unnamed model</source>
      <translation>未命名的模型</translation>
    </message>
    <message>
      <location line="+10" />
      <source>You</source>
      <translation>你</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Edit</source>
      <translation>编辑</translation>
    </message>
    <message>
      <location line="+5" />
      <source>%1 tokens/s · %2 tokens · stopped by %3</source>
      <translation>%1 词元/秒 · %2 个词元 · 停止原因：%3</translation>
    </message>
    <message>
      <location line="+5" />
      <source>seed %1</source>
      <translation>种子 %1</translation>
    </message>
    <message numerus="yes">
      <location line="+2" />
      <source>%n oldest exchange(s) left out to fit the context</source>
      <translation>
        <numerusform>为适应上下文，最早的 %n 轮对话未纳入</numerusform>
      </translation>
    </message>
  </context>
  <context>
    <name>ChatTranscript</name>
    <message>
      <location filename="../ui/chat/chat_transcript.cpp" line="+31" />
      <source>end of text</source>
      <translation>结束符</translation>
    </message>
    <message>
      <location line="+2" />
      <source>a stop string</source>
      <translation>停止字符串</translation>
    </message>
    <message>
      <location line="+2" />
      <source>the token limit</source>
      <translation>词元上限</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Stop pressed</source>
      <translation>按下了停止</translation>
    </message>
    <message>
      <location line="+2" />
      <source>a full context</source>
      <translation>上下文已满</translation>
    </message>
    <message>
      <location line="+32" />
      <source>it is not valid JSON (%1 at byte %2)</source>
      <translation>它不是有效的 JSON（第 %2 字节处：%1）</translation>
    </message>
    <message>
      <location line="+5" />
      <source>it is not a Tunebench chat ("format" should be "%1")</source>
      <translation>它不是 Tunebench 对话（"format" 应为 "%1"）</translation>
    </message>
    <message>
      <location line="+4" />
      <source>it was written by a newer Tunebench (version %1); update Tunebench to open it</source>
      <translation>它由更新版本的 Tunebench 写入（版本 %1）；请更新 Tunebench 后再打开</translation>
    </message>
    <message>
      <location line="+21" />
      <source>"panes" must list one or two conversations</source>
      <translation>"panes" 必须包含一个或两个对话</translation>
    </message>
    <message>
      <location line="+13" />
      <source>conversation %1, message %2: the role is "%3" where "%4" was expected</source>
      <translation>对话 %1，第 %2 条消息：角色为 "%3"，应为 "%4"</translation>
    </message>
    <message>
      <location line="+7" />
      <source>conversation %1, message %2 has no text ("content")</source>
      <translation>对话 %1，第 %2 条消息没有文本（"content"）</translation>
    </message>
    <message>
      <location line="+19" />
      <source>Chat</source>
      <translation>对话</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Temperature</source>
      <translation>温度</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Top-k</source>
      <translation>Top-k</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Top-p</source>
      <translation>Top-p</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Repetition penalty</source>
      <translation>重复惩罚</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Max new tokens</source>
      <translation>最大生成词元数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Seed</source>
      <translation>种子</translation>
    </message>
    <message>
      <location line="+0" />
      <source>random</source>
      <translation>随机</translation>
    </message>
    <message>
      <location line="+2" />
      <source>System prompt</source>
      <translation>系统提示词</translation>
    </message>
    <message>
      <location line="+2" />
      <source>(no model)</source>
      <translation>（无模型）</translation>
    </message>
    <message>
      <location line="+3" />
      <source>You</source>
      <translation>你</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Assistant</source>
      <translation>助手</translation>
    </message>
    <message>
      <location line="+1" />
      <source>%1 tokens at %2 tokens/s, stopped by %3</source>
      <translation>%1 个词元，%2 词元/秒，停止原因：%3</translation>
    </message>
  </context>
  <context>
    <name>ChatWorker</name>
    <message>
      <location filename="../ui/chat/chat_worker.cpp" line="+50" />
      <source>This model has no tokenizer, so it cannot chat.</source>
      <translation>此模型没有分词器，无法对话。</translation>
    </message>
    <message>
      <location line="+35" />
      <source>%1 has no tokenizer, so it cannot chat; open it on the Model page with a tokenizer file</source>
      <translation>%1 没有分词器，无法对话；请在“模型”页面配合分词器文件打开它</translation>
    </message>
    <message>
      <location line="+13" />
      <source>Loading was cancelled.</source>
      <translation>加载已取消。</translation>
    </message>
    <message>
      <location line="+25" />
      <source>Choose a model to talk to first.</source>
      <translation>请先选择要对话的模型。</translation>
    </message>
  </context>
  <context>
    <name>ClassifyPage</name>
    <message numerus="yes">
      <location filename="../ui/classify/classify_page.cpp" line="+28" />
      <source>%1: %n intent(s): %2</source>
      <translation>
        <numerusform>%1：%n 个意图：%2</numerusform>
      </translation>
    </message>
    <message>
      <location line="+15" />
      <source>Classifier to load</source>
      <translation>要加载的分类器</translation>
    </message>
    <message>
      <location line="+1" />
      <source>a classifier checkpoint, or a run directory (its best checkpoint)</source>
      <translation>分类器检查点，或训练目录（使用其最佳检查点）</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+30" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location line="-28" />
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
      <location line="+2" />
      <source>Utterance to classify</source>
      <translation>要分类的语句</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classify</source>
      <translation>分类</translation>
    </message>
    <message>
      <location line="+6" />
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
      <source>Labelled file to classify</source>
      <translation>要分类的带标签文件</translation>
    </message>
    <message>
      <location line="+1" />
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
      <location line="+2" />
      <source>Per-class report</source>
      <translation>各类别报告</translation>
    </message>
    <message>
      <location line="+12" />
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
      <location filename="../ui/classify/classify_worker.cpp" line="+53" />
      <location line="+23" />
      <source>Load a classifier first.</source>
      <translation>请先加载分类器。</translation>
    </message>
  </context>
  <context>
    <name>DataPage</name>
    <message>
      <location filename="../ui/data/data_page.cpp" line="+59" />
      <source>Row</source>
      <translation>行</translation>
    </message>
    <message>
      <location line="+27" />
      <source>of %1 training examples</source>
      <translation>，共 %1 个训练样本</translation>
    </message>
    <message>
      <location line="+7" />
      <source>Dataset file</source>
      <translation>数据集文件</translation>
    </message>
    <message>
      <location line="+1" />
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
      <location line="+5" />
      <source>Dataset format</source>
      <translation>数据集格式</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Detected from the extension and the first rows; choose another to override</source>
      <translation>根据扩展名和前几行自动识别；可选择其他格式覆盖</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Tokenizer for counting tokens</source>
      <translation>用于统计词元数的分词器</translation>
    </message>
    <message>
      <location line="+1" />
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
      <location line="+14" />
      <source>Split seed</source>
      <translation>划分随机种子</translation>
    </message>
    <message>
      <location line="+5" />
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
      <location line="-29" />
      <location line="+30" />
      <source>Context length</source>
      <translation>上下文长度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Train / validation split</source>
      <translation>训练集 / 验证集划分</translation>
    </message>
    <message>
      <location line="-27" />
      <location line="+29" />
      <source>Validation share</source>
      <translation>验证集比例</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Seed</source>
      <translation>种子</translation>
    </message>
    <message>
      <location line="-21" />
      <location line="+22" />
      <source>Validation file</source>
      <translation>验证集文件</translation>
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
      <location line="+5" />
      <source>Example number</source>
      <translation>示例序号</translation>
    </message>
    <message>
      <location line="+4" />
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
      <location line="+7" />
      <source>Format: %1 (template %2). Rows read %3, used %4, truncated %5, skipped as too long %6, invalid %7. %8 training and %9 validation examples.</source>
      <translation>格式：%1（模板 %2）。读取 %3 行，使用 %4 行，截断 %5 行，因过长跳过 %6 行，无效 %7 行。训练样本 %8 个，验证样本 %9 个。</translation>
    </message>
    <message>
      <location line="+14" />
      <source>Labels: %1.</source>
      <translation>标签：%1。</translation>
    </message>
    <message>
      <location line="+3" />
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
    <name>DistributedRun</name>
    <message>
      <location filename="../ui/train/distributed_run.cpp" line="+35" />
      <source>%1 could not be started: %2</source>
      <translation>无法启动 %1：%2</translation>
    </message>
    <message>
      <location line="+24" />
      <source>A run is already in progress.</source>
      <translation>已有一个训练正在进行。</translation>
    </message>
    <message>
      <location line="+13" />
      <source>A run with several processes needs its run folder (run_dir).</source>
      <translation>多进程训练需要指定运行文件夹（run_dir）。</translation>
    </message>
    <message>
      <location line="+9" />
      <source>tunebench-cli was not found next to this program (%1); it runs the processes.</source>
      <translation>在本程序旁边找不到 tunebench-cli（%1）；多进程训练需要由它启动。</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Cannot write the run's config to %1.</source>
      <translation>无法把本次训练的配置写入 %1。</translation>
    </message>
    <message>
      <location line="+11" />
      <source>started %1 processes: %2 train %3 --nproc %1</source>
      <translation>已启动 %1 个进程：%2 train %3 --nproc %1</translation>
    </message>
    <message>
      <location line="+56" />
      <source>the %1 processes ended with an error (exit code %2): %3</source>
      <translation>%1 个进程出错退出（退出码 %2）：%3</translation>
    </message>
    <message>
      <location line="+3" />
      <source>no output</source>
      <translation>没有输出</translation>
    </message>
  </context>
  <context>
    <name>MainWindow</name>
    <message>
      <location filename="../ui/shell/main_window.cpp" line="+46" />
      <source>Tunebench</source>
      <translation>Tunebench</translation>
    </message>
    <message>
      <location line="+30" />
      <source>Model</source>
      <translation>模型</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Chat</source>
      <translation>对话</translation>
    </message>
    <message>
      <location line="-1" />
      <source>Train</source>
      <translation>训练</translation>
    </message>
    <message>
      <location line="-3" />
      <source>Project</source>
      <translation>项目</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Data</source>
      <translation>数据</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Classify</source>
      <translation>分类</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Runs</source>
      <translation>训练记录</translation>
    </message>
    <message>
      <location line="+89" />
      <source>The classifier is ready on the Classify page (macro-F1 %1).</source>
      <translation>分类器已就绪，可在“分类”页使用（宏平均 F1 %1）。</translation>
    </message>
    <message>
      <location line="-88" />
      <source>Settings</source>
      <translation>设置</translation>
    </message>
    <message>
      <location line="-25" />
      <source>&amp;Help</source>
      <translation>帮助(&amp;H)</translation>
    </message>
    <message>
      <location line="+1" />
      <source>&amp;About Tunebench</source>
      <translation>关于 Tunebench(&amp;A)</translation>
    </message>
    <message>
      <location line="+167" />
      <source>&amp;File</source>
      <translation>文件(&amp;F)</translation>
    </message>
    <message>
      <location line="+1" />
      <source>&amp;Open project…</source>
      <translation>打开项目(&amp;O)…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Open project</source>
      <translation>打开项目</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Tunebench projects (tunebench.json)</source>
      <translation>Tunebench 项目 (tunebench.json)</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Open the &amp;sample project</source>
      <translation>打开示例项目(&amp;S)</translation>
    </message>
    <message>
      <location line="+9" />
      <source>Import &amp;Hugging Face folder…</source>
      <translation>导入 Hugging Face 文件夹(&amp;H)…</translation>
    </message>
    <message>
      <location line="+14" />
      <source>&amp;Quit</source>
      <translation>退出(&amp;Q)</translation>
    </message>
    <message>
      <location line="+15" />
      <source>%1 — Tunebench</source>
      <translation>%1 — Tunebench</translation>
    </message>
    <message>
      <location line="+15" />
      <source>Opened the project %1.</source>
      <translation>已打开项目 %1。</translation>
    </message>
    <message>
      <location line="+24" />
      <source>The sample project could not be opened.</source>
      <translation>无法打开示例项目。</translation>
    </message>
    <message>
      <location line="+6" />
      <source>A run is in progress; stop it before starting another.</source>
      <translation>已有训练正在进行；请先停止它再开始新的训练。</translation>
    </message>
    <message>
      <location line="-136" />
      <source>Chatting with the run in progress, as it was at step %1.</source>
      <translation>正在与进行中的训练对话（第 %1 步时的权重）。</translation>
    </message>
    <message>
      <location line="+11" />
      <source>Loading %1</source>
      <translation>正在加载 %1</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Model loaded. Chat is ready.</source>
      <translation>模型已加载，可以开始对话。</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Model loaded without a tokenizer: choose one to chat.</source>
      <translation>模型已加载，但没有分词器：请选择一个分词器后再对话。</translation>
    </message>
    <message>
      <location line="-132" />
      <source>Open a model: a Hugging Face folder, a GGUF file or a llama2.c checkpoint.</source>
      <translation>打开模型：Hugging Face 文件夹、GGUF 文件或 llama2.c 检查点。</translation>
    </message>
    <message>
      <location line="+181" />
      <source>Hugging Face model folder</source>
      <translation>Hugging Face 模型文件夹</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Import &amp;GGUF or llama2.c file…</source>
      <translation>导入 GGUF 或 llama2.c 文件(&amp;G)…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Model file</source>
      <translation>模型文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Models (*.gguf *.bin);;All files (*)</source>
      <translation>模型 (*.gguf *.bin);;所有文件 (*)</translation>
    </message>
  </context>
  <context>
    <name>Metric</name>
    <message>
      <location filename="../engine/training/metric_info.cpp" line="+9" />
      <source>Training loss</source>
      <translation>训练损失</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Learning rate</source>
      <translation>学习率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Gradient norm</source>
      <translation>梯度范数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Tokens per second</source>
      <translation>每秒词元数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Memory in use (MB)</source>
      <translation>内存占用（MB）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Elapsed time (s)</source>
      <translation>已用时间（秒）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Validation loss</source>
      <translation>验证损失</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Validation perplexity</source>
      <translation>验证困惑度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Next-token accuracy</source>
      <translation>下一词元准确率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Validation tokens</source>
      <translation>验证词元数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Evaluation time (s)</source>
      <translation>评估耗时（秒）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Accuracy</source>
      <translation>准确率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Macro F1</source>
      <translation>宏平均 F1</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Macro precision</source>
      <translation>宏平均精确率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Macro recall</source>
      <translation>宏平均召回率</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Dialogue checks passed</source>
      <translation>对话检查通过率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Dialogue check time (s)</source>
      <translation>对话检查耗时（秒）</translation>
    </message>
  </context>
  <context>
    <name>MetricPlot</name>
    <message>
      <location filename="../ui/widgets/metric_plot.cpp" line="+26" />
      <source>step</source>
      <translation>步数</translation>
    </message>
    <message>
      <location line="+9" />
      <source>Log scale</source>
      <translation>对数坐标</translation>
    </message>
    <message>
      <location line="+6" />
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
      <location line="+167" />
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
    <name>ModelCard</name>
    <message>
      <location filename="../ui/widgets/model_card.cpp" line="+30" />
      <source>Hello! Who are you?</source>
      <translation>你好！你是谁？</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A small model you are about to train.</source>
      <translation>一个你即将训练的小模型。</translation>
    </message>
    <message>
      <location line="+1" />
      <source>What is 2 + 2?</source>
      <translation>2 + 2 等于几？</translation>
    </message>
    <message>
      <location line="+1" />
      <source>4.</source>
      <translation>4。</translation>
    </message>
    <message>
      <location line="+50" />
      <source>Hugging Face folder</source>
      <translation>Hugging Face 文件夹</translation>
    </message>
    <message>
      <location line="+2" />
      <source>GGUF file</source>
      <translation>GGUF 文件</translation>
    </message>
    <message>
      <location line="+2" />
      <source>llama2.c checkpoint</source>
      <translation>llama2.c 检查点</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Source</source>
      <translation>来源</translation>
    </message>
    <message>
      <location line="+0" />
      <source>%1: %2</source>
      <translation>%1：%2</translation>
    </message>
    <message>
      <location line="+1" />
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
      <location line="+1" />
      <source>Stored / compute dtype</source>
      <translation>存储 / 计算精度</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Context</source>
      <translation>上下文</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Vocabulary</source>
      <translation>词表</translation>
    </message>
    <message>
      <location line="+4" />
      <location line="+8" />
      <source>Tokenizer</source>
      <translation>分词器</translation>
    </message>
    <message>
      <location line="-8" />
      <location line="+5" />
      <source>none</source>
      <translation>无</translation>
    </message>
    <message>
      <location line="-4" />
      <location line="+17" />
      <source>Special tokens</source>
      <translation>特殊词元</translation>
    </message>
    <message>
      <location line="-17" />
      <source>BOS = %1, EOS = %2 (from the model's config; no tokenizer to name them)</source>
      <translation>BOS = %1，EOS = %2（来自模型配置；没有分词器可显示其名称）</translation>
    </message>
    <message>
      <location line="+4" />
      <location line="+16" />
      <source>Chat template</source>
      <translation>对话模板</translation>
    </message>
    <message>
      <location line="-13" />
      <source>SentencePiece, %1 pieces</source>
      <translation>SentencePiece，%1 个词元</translation>
    </message>
    <message>
      <location line="+2" />
      <source>BOS %1</source>
      <translation>BOS %1</translation>
    </message>
    <message>
      <location line="+0" />
      <source>EOS %1</source>
      <translation>EOS %1</translation>
    </message>
    <message>
      <location line="+2" />
      <source>PAD %1</source>
      <translation>PAD %1</translation>
    </message>
    <message>
      <location line="+4" />
      <source>&lt;code&gt;%1&lt;/code&gt; missing</source>
      <translation>缺少 &lt;code&gt;%1&lt;/code&gt;</translation>
    </message>
    <message>
      <location line="+3" />
      <source>none in the tokenizer; Tunebench's plain format</source>
      <translation>分词器中没有；使用 Tunebench 的 plain 格式</translation>
    </message>
    <message>
      <location line="+1" />
      <source>from the tokenizer</source>
      <translation>来自分词器</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Two-turn example</source>
      <translation>两轮对话示例</translation>
    </message>
    <message>
      <location line="+2" />
      <source>&lt;small&gt;Boxed: special tokens with their ids. Green: what training teaches the model to write, its end token included.&lt;/small&gt;</source>
      <translation>&lt;small&gt;带底色：特殊词元及其 ID。绿色：训练教模型生成的内容，包括结束词元。&lt;/small&gt;</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Threads</source>
      <translation>线程数</translation>
    </message>
  </context>
  <context>
    <name>ModelPage</name>
    <message>
      <location filename="../ui/model/model_page.cpp" line="+51" />
      <source>%1 MiB</source>
      <translation>%1 MiB</translation>
    </message>
    <message>
      <location line="+6" />
      <source>%1 ms</source>
      <translation>%1 毫秒</translation>
    </message>
    <message>
      <location line="+1" />
      <source>%1 s</source>
      <translation>%1 秒</translation>
    </message>
    <message>
      <location line="+38" />
      <source>This machine: %1 GFLOP/s (float32 matmul, measured)</source>
      <translation>本机：%1 GFLOP/s（float32 矩阵乘法，实测）</translation>
    </message>
    <message>
      <location line="+13" />
      <source>Loading %1</source>
      <translation>正在加载 %1</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Loaded.</source>
      <translation>已加载。</translation>
    </message>
    <message>
      <location line="+15" />
      <source>Loading cancelled; the model loaded before (if any) is still in use.</source>
      <translation>已取消加载；之前加载的模型（如有）仍在使用。</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Import</source>
      <translation>导入</translation>
    </message>
    <message>
      <location line="+1" />
      <source>New from scratch</source>
      <translation>从零新建</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+101" />
      <source>Tokenizer</source>
      <translation>分词器</translation>
    </message>
    <message>
      <location line="-77" />
      <source>Fine-tune an existing model: import a Hugging Face folder (config.json and safetensors), a GGUF file or a llama2.c checkpoint.</source>
      <translation>微调现有模型：导入 Hugging Face 文件夹（config.json 和 safetensors）、GGUF 文件或 llama2.c 检查点。</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Import Hugging Face folder…</source>
      <translation>导入 Hugging Face 文件夹…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A folder with config.json and model.safetensors (tokenizer files optional)</source>
      <translation>包含 config.json 和 model.safetensors 的文件夹（分词器文件可选）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Import GGUF or llama2.c file…</source>
      <translation>导入 GGUF 或 llama2.c 文件…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A .gguf file (F32, F16, BF16 or Q8_0) or a llama2.c .bin checkpoint</source>
      <translation>.gguf 文件（F32、F16、BF16 或 Q8_0）或 llama2.c 的 .bin 检查点</translation>
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
      <location line="+11" />
      <source>optional: a SentencePiece .model for weights without a tokenizer</source>
      <translation>可选：为不带分词器的权重指定 SentencePiece .model 文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Replaces the model's own tokenizer (or gives one to a llama2.c file, which has none). Its vocabulary must fit the model's.</source>
      <translation>替换模型自带的分词器（或为没有分词器的 llama2.c 文件提供一个）。其词表必须与模型相符。</translation>
    </message>
    <message>
      <location line="+2" />
      <location line="+5" />
      <source>Tokenizer override</source>
      <translation>替代分词器</translation>
    </message>
    <message>
      <location line="-4" />
      <location line="+207" />
      <source>Browse…</source>
      <translation>浏览…</translation>
    </message>
    <message>
      <location line="-206" />
      <source>Choose a tokenizer override</source>
      <translation>选择替代分词器</translation>
    </message>
    <message>
      <location line="+10" />
      <source>Loading progress</source>
      <translation>加载进度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Cancel loading</source>
      <translation>取消加载</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Stops reading the weights; the model loaded before (if any) stays in use</source>
      <translation>停止读取权重；之前加载的模型（如有）继续使用</translation>
    </message>
    <message>
      <location line="+5" />
      <location line="+7" />
      <source>No model loaded.</source>
      <translation>尚未加载模型。</translation>
    </message>
    <message>
      <location line="-2" />
      <source>Model card</source>
      <translation>模型卡片</translation>
    </message>
    <message>
      <location line="+16" />
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
      <location line="+6" />
      <source>SentencePiece model (*.model);;All files (*)</source>
      <translation>SentencePiece 模型 (*.model);;所有文件 (*)</translation>
    </message>
    <message>
      <location line="+17" />
      <source>Train a new model from scratch: pick a size. Parameters follow from the vocabulary; memory and time per step from the batch and context.</source>
      <translation>从零训练新模型：选择规模。参数量取决于词表大小；内存和每步耗时取决于批大小和上下文长度。</translation>
    </message>
    <message>
      <location line="+6" />
      <location line="+119" />
      <source>Vocabulary size</source>
      <translation>词表大小</translation>
    </message>
    <message>
      <location line="-118" />
      <source>Pieces of the tokenizer (one trained on the data, or the one chosen on the Tokenizer tab)</source>
      <translation>分词器的词元数（在数据上训练的分词器，或在“分词器”标签页中选定的分词器）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Batch size</source>
      <translation>批大小</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Rows per micro-batch (the Train page's batch_size)</source>
      <translation>每个微批次的行数（训练页的 batch_size）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Context length</source>
      <translation>上下文长度</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Tokens per training row (the Train page's context_length)</source>
      <translation>每个训练行的词元数（训练页的 context_length）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Vocabulary</source>
      <translation>词表</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Batch</source>
      <translation>批大小</translation>
    </message>
    <message>
      <location line="+2" />
      <location line="+23" />
      <source>Context</source>
      <translation>上下文</translation>
    </message>
    <message>
      <location line="-19" />
      <location line="+7" />
      <source>Measuring this machine's matmul speed…</source>
      <translation>正在测量本机的矩阵乘法速度…</translation>
    </message>
    <message>
      <location line="-5" />
      <source>A short float32 matrix-multiply probe on a worker thread; the time per step is the step's FLOPs divided by this rate</source>
      <translation>在工作线程上运行的简短 float32 矩阵乘法测试；每步耗时 = 该步的浮点运算量 ÷ 此速率</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Measure again</source>
      <translation>重新测量</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Repeat the probe, e.g. after other programs stopped competing for the CPU</source>
      <translation>重新运行测试，例如在其他程序不再占用 CPU 之后</translation>
    </message>
    <message>
      <location line="+13" />
      <source>Model size presets</source>
      <translation>模型规模预设</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Preset</source>
      <translation>预设</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Layers × hidden</source>
      <translation>层数 × 隐藏维度</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Heads (KV)</source>
      <translation>注意力头（KV）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Parameters</source>
      <translation>参数量</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Training memory</source>
      <translation>训练内存</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Time per step</source>
      <translation>每步耗时</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Estimate for full training with AdamW at this batch and context (the trainer's own estimate)</source>
      <translation>以此批大小和上下文长度、使用 AdamW 全量训练时的估算（与训练器使用的估算相同）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Estimate: the step's FLOPs (6 × parameters × tokens, plus attention) divided by the GFLOP/s measured on this machine</source>
      <translation>估算：该步的浮点运算量（6 × 参数量 × 词元数，加上注意力）除以本机实测的 GFLOP/s</translation>
    </message>
    <message>
      <location line="+11" />
      <source>Custom dimensions (the "custom" row)</source>
      <translation>自定义维度（“custom”行）</translation>
    </message>
    <message>
      <location line="+2" />
      <location line="+5" />
      <source>Layers</source>
      <translation>层数</translation>
    </message>
    <message>
      <location line="-5" />
      <source>Decoder layers</source>
      <translation>解码器层数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Hidden size</source>
      <translation>隐藏维度</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Width of the model; a multiple of the heads</source>
      <translation>模型宽度；须为注意力头数的倍数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Attention heads</source>
      <translation>注意力头数</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Attention heads; hidden / heads must be even</source>
      <translation>注意力头数；隐藏维度 / 头数必须为偶数</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+3" />
      <source>KV heads</source>
      <translation>KV 头数</translation>
    </message>
    <message>
      <location line="-3" />
      <source>Key/value heads (grouped-query attention); divides the heads</source>
      <translation>键/值头数（分组查询注意力）；须能整除注意力头数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>MLP size</source>
      <translation>MLP 维度</translation>
    </message>
    <message>
      <location line="+0" />
      <source>Width of the SwiGLU MLP (about 2.7 × hidden)</source>
      <translation>SwiGLU MLP 的宽度（约为隐藏维度的 2.7 倍）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Hidden</source>
      <translation>隐藏维度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Heads</source>
      <translation>头数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>MLP</source>
      <translation>MLP</translation>
    </message>
    <message>
      <location line="+17" />
      <location line="+87" />
      <source>Use for training</source>
      <translation>用于训练</translation>
    </message>
    <message>
      <location line="-85" />
      <source>Sets the Train page to train this size from scratch (no model to import)</source>
      <translation>将训练页设置为从零训练此规模的模型（不导入模型）</translation>
    </message>
    <message>
      <location line="+32" />
      <source>Train a SentencePiece tokenizer on the dataset open on the Data page, for a model trained from scratch.</source>
      <translation>在数据页打开的数据集上训练一个 SentencePiece 分词器，供从零训练的模型使用。</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Dataset</source>
      <translation>数据集</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Tokenizer vocabulary size</source>
      <translation>分词器词表大小</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Number of pieces. A small corpus supports only a small vocabulary; the error says which size fits.</source>
      <translation>词元数量。语料较小时只能支持较小的词表；出错时会提示合适的大小。</translation>
    </message>
    <message>
      <location line="+6" />
      <source>Tokenizer model type</source>
      <translation>分词器模型类型</translation>
    </message>
    <message>
      <location line="+1" />
      <source>bpe or unigram subwords, or char: one piece per character (the vocabulary size is then an upper bound)</source>
      <translation>bpe 或 unigram 子词，或 char：每个字符一个词元（此时词表大小为上限）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Model type</source>
      <translation>模型类型</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Tokenizer output file</source>
      <translation>分词器输出文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Where the .model file is written (a .vocab listing goes next to it)</source>
      <translation>.model 文件的写入位置（旁边还会生成一个 .vocab 列表）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Choose the tokenizer output file</source>
      <translation>选择分词器输出文件</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Output</source>
      <translation>输出</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Train tokenizer</source>
      <translation>训练分词器</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Runs on a worker thread; the window stays usable</source>
      <translation>在工作线程上运行；窗口仍可正常使用</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Tokenizer training in progress</source>
      <translation>正在训练分词器</translation>
    </message>
    <message>
      <location line="+16" />
      <source>Sets the Train page's tokenizer to this file (and the vocabulary of the size presets)</source>
      <translation>将训练页的分词器设为此文件（并更新规模预设的词表大小）</translation>
    </message>
    <message>
      <location line="+12" />
      <source>Tokenizer output</source>
      <translation>分词器输出</translation>
    </message>
    <message>
      <location line="+1" />
      <source>SentencePiece model (*.model)</source>
      <translation>SentencePiece 模型 (*.model)</translation>
    </message>
    <message>
      <location line="+24" />
      <source>Loading %1…</source>
      <translation>正在加载 %1…</translation>
    </message>
    <message>
      <location line="+12" />
      <source>Cancelling…</source>
      <translation>正在取消…</translation>
    </message>
    <message>
      <location line="+50" />
      <source>custom dimensions</source>
      <translation>自定义维度</translation>
    </message>
    <message>
      <location line="+31" />
      <source>invalid</source>
      <translation>无效</translation>
    </message>
    <message>
      <location line="+6" />
      <source>MLP %1, head size %2</source>
      <translation>MLP %1，头维度 %2</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Embedding %1 × %2 (tied with the output layer)</source>
      <translation>词嵌入 %1 × %2（与输出层共享）</translation>
    </message>
    <message>
      <location line="+10" />
      <source>Estimate (without the program itself): %1</source>
      <translation>估算（不含程序本身）：%1</translation>
    </message>
    <message>
      <location line="+8" />
      <source>An estimate: %1 GFLOP per step (6 × parameters × tokens, plus attention) divided by %2 GFLOP/s measured on this machine with a float32 matmul. Element-wise work and the optimizer add to it.</source>
      <translation>估算值：每步 %1 GFLOP（6 × 参数量 × 词元数，加上注意力）除以本机用 float32 矩阵乘法实测的 %2 GFLOP/s。逐元素运算和优化器还会增加耗时。</translation>
    </message>
    <message>
      <location line="+6" />
      <source>measuring…</source>
      <translation>测量中…</translation>
    </message>
    <message>
      <location line="+12" />
      <source>Tokenizer: trained on the data when the run starts (%1 pieces, or train one on the Tokenizer tab).</source>
      <translation>分词器：训练开始时在数据上训练（%1 个词元；也可在“分词器”标签页中训练一个）。</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Tokenizer: %1</source>
      <translation>分词器：%1</translation>
    </message>
    <message>
      <location line="+46" />
      <location line="+24" />
      <source>No dataset: open one on the Data page first.</source>
      <translation>没有数据集：请先在数据页打开一个。</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Training a %1 tokenizer with %2 pieces on %3…</source>
      <translation>正在 %3 上训练 %1 分词器（%2 个词元）…</translation>
    </message>
    <message>
      <location line="+30" />
      <source>&lt;b&gt;Wrote %1&lt;/b&gt;&lt;br&gt;%2 pieces (%3); BOS = %4, EOS = %5.&lt;br&gt;A line of the dataset:&lt;br&gt;&lt;i&gt;%6&lt;/i&gt;&lt;br&gt;becomes %7 tokens:&lt;br&gt;%8</source>
      <translation>&lt;b&gt;已写入 %1&lt;/b&gt;&lt;br&gt;%2 个词元（%3）；BOS = %4，EOS = %5。&lt;br&gt;数据集中的一行：&lt;br&gt;&lt;i&gt;%6&lt;/i&gt;&lt;br&gt;切分为 %7 个词元：&lt;br&gt;%8</translation>
    </message>
  </context>
  <context>
    <name>Project</name>
    <message>
      <location filename="../ui/shell/project.cpp" line="+48" />
      <source>%1: cannot open the project file (%2)</source>
      <translation>%1：无法打开项目文件（%2）</translation>
    </message>
    <message>
      <location line="+5" />
      <source>%1: not valid JSON at byte %2 (%3)</source>
      <translation>%1：第 %2 字节处不是有效的 JSON（%3）</translation>
    </message>
    <message>
      <location line="+5" />
      <source>%1: expected a JSON object</source>
      <translation>%1：应为一个 JSON 对象</translation>
    </message>
    <message>
      <location line="+3" />
      <source>%1: not a Tunebench project ("format" must be "tunebench-project")</source>
      <translation>%1：不是 Tunebench 项目（"format" 必须为 "tunebench-project"）</translation>
    </message>
    <message>
      <location line="+5" />
      <source>%1: project version %2 is not supported (this Tunebench reads version 1)</source>
      <translation>%1：不支持项目版本 %2（此版本的 Tunebench 读取版本 1）</translation>
    </message>
    <message>
      <location line="+15" />
      <source>%1: every entry of "configs" needs a "file"</source>
      <translation>%1："configs" 中的每一项都需要 "file"</translation>
    </message>
    <message>
      <location line="+23" />
      <location line="+53" />
      <source>%1: cannot create the folder</source>
      <translation>%1：无法创建文件夹</translation>
    </message>
    <message>
      <location line="-50" />
      <source>%1: cannot write the project file (%2)</source>
      <translation>%1：无法写入项目文件（%2）</translation>
    </message>
    <message>
      <location line="+43" />
      <source>The bundled sample project was not found next to the program (share/tunebench/sample).</source>
      <translation>在程序旁边找不到自带的示例项目（share/tunebench/sample）。</translation>
    </message>
    <message>
      <location line="+14" />
      <source>%1: cannot copy the sample here</source>
      <translation>%1：无法把示例复制到这里</translation>
    </message>
  </context>
  <context>
    <name>ProjectPage</name>
    <message>
      <location filename="../ui/shell/project_page.cpp" line="+19" />
      <source>Chat model from scratch</source>
      <translation>从零训练对话模型</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Intent classifier from scratch</source>
      <translation>从零训练意图分类器</translation>
    </message>
    <message>
      <location line="+19" />
      <source>No project open</source>
      <translation>未打开项目</translation>
    </message>
    <message>
      <location line="+11" />
      <source>Open project…</source>
      <translation>打开项目…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>New project…</source>
      <translation>新建项目…</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Open folder</source>
      <translation>打开文件夹</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+37" />
      <source>Open project</source>
      <translation>打开项目</translation>
    </message>
    <message>
      <location line="-36" />
      <source>New project</source>
      <translation>新建项目</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Open the project folder</source>
      <translation>打开项目文件夹</translation>
    </message>
    <message>
      <location line="+8" />
      <location line="+61" />
      <source>Train</source>
      <translation>训练</translation>
    </message>
    <message>
      <location line="-54" />
      <source>About this project</source>
      <translation>关于此项目</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Datasets (double-click to open)</source>
      <translation>数据集（双击打开）</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Datasets of the project</source>
      <translation>项目的数据集</translation>
    </message>
    <message>
      <location line="+2" />
      <location line="+3" />
      <source>Recent projects</source>
      <translation>最近的项目</translation>
    </message>
    <message>
      <location line="+9" />
      <source>Tunebench projects (tunebench.json)</source>
      <translation>Tunebench 项目 (tunebench.json)</translation>
    </message>
    <message>
      <location line="+5" />
      <source>Folder for the new project</source>
      <translation>新项目所在的文件夹</translation>
    </message>
    <message>
      <location line="+30" />
      <source>Train %1</source>
      <translation>训练%1</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Load %1 into the Train page and start it</source>
      <translation>把 %1 载入“训练”页并开始训练</translation>
    </message>
  </context>
  <context>
    <name>RunsPage</name>
    <message>
      <location filename="../ui/runs/runs_page.cpp" line="+62" />
      <source>Exported to %1</source>
      <translation>已导出到 %1</translation>
    </message>
    <message>
      <location line="+8" />
      <source>Runs folder</source>
      <translation>训练记录文件夹</translation>
    </message>
    <message>
      <location line="+1" />
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
      <source>Metric to compare</source>
      <translation>要比较的指标</translation>
    </message>
    <message>
      <location line="+7" />
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
      <location line="+13" />
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
      <location line="+44" />
      <source>damaged summary</source>
      <translation>摘要文件已损坏</translation>
    </message>
    <message>
      <location line="+1" />
      <source>running or interrupted</source>
      <translation>进行中或已中断</translation>
    </message>
    <message>
      <location line="+19" />
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
      <location line="+63" />
      <source>%1 is being trained (%2): stop the run before deleting it.</source>
      <translation>%1 正在训练（%2）：请先停止训练再删除。</translation>
    </message>
    <message>
      <location line="+5" />
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
    <name>ScratchWorker</name>
    <message>
      <location filename="../ui/model/scratch_worker.cpp" line="+58" />
      <source>No dataset: open one on the Data page first.</source>
      <translation>没有数据集：请先在数据页打开一个。</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Choose where to write the tokenizer (a .model file).</source>
      <translation>请选择分词器的写入位置（.model 文件）。</translation>
    </message>
  </context>
  <context>
    <name>SettingsPage</name>
    <message>
      <location filename="../ui/shell/settings_page.cpp" line="+19" />
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
    <name>TrainOption</name>
    <message>
      <location filename="../engine/data/dataset.h" line="+35" />
      <source>Detect from the file</source>
      <translation>根据文件自动识别</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Chat (OpenAI messages)</source>
      <translation>对话（OpenAI messages）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>ShareGPT conversations</source>
      <translation>ShareGPT 对话</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Alpaca instructions</source>
      <translation>Alpaca 指令</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Plain text</source>
      <translation>纯文本</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classification (text and label)</source>
      <translation>分类（文本和标签）</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Skip it and report its line</source>
      <translation>跳过并报告所在行</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Stop at the first one</source>
      <translation>遇到第一处错误即停止</translation>
    </message>
    <message>
      <location line="+4" />
      <source>Truncate (keep the last reply)</source>
      <translation>截断（保留最后一条回复）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Skip the example</source>
      <translation>跳过该样本</translation>
    </message>
    <message>
      <location line="+4" />
      <source>One document per paragraph</source>
      <translation>每个段落一篇文档</translation>
    </message>
    <message>
      <location line="+1" />
      <source>The whole file as one stream</source>
      <translation>整个文件作为一个文本流</translation>
    </message>
    <message>
      <location filename="../engine/model/model_config.h" line="+41" />
      <source>Nano (seconds per epoch)</source>
      <translation>Nano（极小，每轮只需几秒）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Micro</source>
      <translation>Micro（微型）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Small</source>
      <translation>Small（小型）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Base (the largest)</source>
      <translation>Base（最大）</translation>
    </message>
    <message>
      <location filename="../engine/tokenizer/chat_template.h" line="+28" />
      <source>Plain (Tunebench's own)</source>
      <translation>Plain（Tunebench 自有格式）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Llama 2</source>
      <translation>Llama 2</translation>
    </message>
    <message>
      <location line="+1" />
      <source>ChatML</source>
      <translation>ChatML</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Zephyr</source>
      <translation>Zephyr</translation>
    </message>
    <message>
      <location filename="../engine/tokenizer/tokenizer.h" line="+30" />
      <source>BPE (subwords)</source>
      <translation>BPE（子词）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Unigram (subwords)</source>
      <translation>Unigram（子词）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Characters</source>
      <translation>字符</translation>
    </message>
    <message>
      <location filename="../engine/training/lr_schedule.h" line="+12" />
      <source>Constant</source>
      <translation>恒定</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Linear decay</source>
      <translation>线性衰减</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Cosine decay</source>
      <translation>余弦衰减</translation>
    </message>
    <message>
      <location filename="../engine/training/train_config.cpp" line="+75" />
      <source>Training file</source>
      <translation>训练文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Training file: chat JSONL, ShareGPT, Alpaca, .txt, or CSV/TSV/JSONL with text and label columns</source>
      <translation>训练文件：对话 JSONL、ShareGPT、Alpaca、.txt，或带文本列和标签列的 CSV/TSV/JSONL</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Validation file</source>
      <translation>验证集文件</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A separate validation file; empty = a share of the training rows</source>
      <translation>单独的验证文件；留空则从训练数据中划出一部分</translation>
    </message>
    <message>
      <location line="+2" />
      <source>File format</source>
      <translation>文件格式</translation>
    </message>
    <message>
      <location line="+1" />
      <source>The file's format, read from its extension and first rows unless you choose one</source>
      <translation>文件格式；未指定时根据扩展名和前几行自动识别</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Chat template</source>
      <translation>对话模板</translation>
    </message>
    <message>
      <location line="+1" />
      <source>How conversations become tokens; by default the model's own template</source>
      <translation>对话如何转换为词元；默认使用模型自带的模板</translation>
    </message>
    <message>
      <location line="+2" />
      <source>On a bad row</source>
      <translation>遇到错误行时</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A bad row: skip it (and report its line) or stop at the first one</source>
      <translation>遇到错误行：跳过（并报告行号），或在第一处错误时停止</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Examples too long</source>
      <translation>样本过长时</translation>
    </message>
    <message>
      <location line="+1" />
      <source>An example longer than the context: truncate (keeps the last assistant turn) or skip</source>
      <translation>样本超过上下文长度时：截断（保留最后一轮助手回复）或跳过</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Plain text split</source>
      <translation>纯文本切分方式</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Plain text: one document per paragraph, or the whole file as one stream</source>
      <translation>纯文本：每个段落作为一篇文档，或将整个文件作为一个连续文本流</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Validation share</source>
      <translation>验证集比例</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Share of the rows held out for validation (fixed by the seed)</source>
      <translation>留作验证集的数据比例（由随机种子固定）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Pack short examples</source>
      <translation>打包短样本</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Put several short examples in one row; attention never crosses two examples</source>
      <translation>将多个短样本拼入同一行；注意力不会跨越两个样本</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Train on every token</source>
      <translation>在所有词元上计算损失</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Take the loss on every token, not only the assistant's replies</source>
      <translation>对所有词元计算损失，而不只是助手的回复</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Text column</source>
      <translation>文本列</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classification: the column holding the text</source>
      <translation>分类：存放文本的列</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Label column</source>
      <translation>标签列</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classification: the column holding the label</source>
      <translation>分类：存放标签的列</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Base model</source>
      <translation>基础模型</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Model to fine-tune (HF folder, GGUF, llama2.c); empty = train from scratch</source>
      <translation>要微调的模型（HF 文件夹、GGUF、llama2.c）；留空则从零开始训练</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Tokenizer</source>
      <translation>分词器</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A SentencePiece .model; from scratch and empty = train one on the data</source>
      <translation>SentencePiece .model 文件；从零训练且留空时，将在数据上训练一个分词器</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Model size</source>
      <translation>模型规模</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Model size when training from scratch</source>
      <translation>从零训练时的模型规模</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Hidden size</source>
      <translation>隐藏维度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>From scratch: the width of the model; 0 = the preset's</source>
      <translation>从零训练：模型宽度；0 表示使用预设值</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Layers</source>
      <translation>层数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>From scratch: decoder layers; 0 = the preset's</source>
      <translation>从零训练：解码器层数；0 表示使用预设值</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Attention heads</source>
      <translation>注意力头数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>From scratch: attention heads per layer; 0 = the preset's</source>
      <translation>从零训练：每层的注意力头数；0 表示使用预设值</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Key/value heads</source>
      <translation>键/值头数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>From scratch: key/value heads (grouped-query attention); 0 = as many as the attention heads</source>
      <translation>从零训练：键/值头数（分组查询注意力）；0 表示与注意力头数相同</translation>
    </message>
    <message>
      <location line="+2" />
      <source>MLP size</source>
      <translation>MLP 维度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>From scratch: the width of each layer's MLP; 0 = the preset's</source>
      <translation>从零训练：每层 MLP 的宽度；0 表示使用预设值</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Context length</source>
      <translation>上下文长度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Tokens per training row</source>
      <translation>每个训练行的词元数</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Vocabulary size</source>
      <translation>词表大小</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Pieces of a tokenizer trained from scratch</source>
      <translation>从零训练的分词器的词表大小</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Tokenizer type</source>
      <translation>分词器类型</translation>
    </message>
    <message>
      <location line="+1" />
      <source>A tokenizer trained on the data: subwords (BPE or unigram), or one piece per character</source>
      <translation>在数据上训练的分词器：子词（BPE 或 unigram），或每个字符一个词元</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Tie input and output embeddings</source>
      <translation>输入与输出共享嵌入</translation>
    </message>
    <message>
      <location line="+1" />
      <source>From scratch: the output layer shares the token embeddings' weights</source>
      <translation>从零训练：输出层与词元嵌入共享权重</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Task</source>
      <translation>任务</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Language model or intent classifier; by default it follows the data</source>
      <translation>语言模型或意图分类器；默认根据数据决定</translation>
    </message>
    <message>
      <location line="+2" />
      <source>LoRA rank</source>
      <translation>LoRA 秩</translation>
    </message>
    <message>
      <location line="+1" />
      <source>LoRA: rank of the adapters; 0 = full fine-tuning</source>
      <translation>LoRA：适配器的秩；0 表示全量微调</translation>
    </message>
    <message>
      <location line="+2" />
      <source>LoRA alpha</source>
      <translation>LoRA alpha</translation>
    </message>
    <message>
      <location line="+1" />
      <source>LoRA: the adapters are scaled by alpha / rank</source>
      <translation>LoRA：适配器按 alpha / 秩 缩放</translation>
    </message>
    <message>
      <location line="+2" />
      <source>LoRA dropout</source>
      <translation>LoRA dropout</translation>
    </message>
    <message>
      <location line="+1" />
      <source>LoRA: dropout on the adapters' input while training</source>
      <translation>LoRA：训练时对适配器输入使用的 dropout</translation>
    </message>
    <message>
      <location line="+2" />
      <source>LoRA target layers</source>
      <translation>LoRA 目标层</translation>
    </message>
    <message>
      <location line="+1" />
      <source>LoRA: layers that get adapters (q_proj, k_proj, v_proj, o_proj, gate_proj, up_proj, down_proj)</source>
      <translation>LoRA：添加适配器的层（q_proj、k_proj、v_proj、o_proj、gate_proj、up_proj、down_proj）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Freeze embeddings</source>
      <translation>冻结嵌入层</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Keep the token embeddings fixed</source>
      <translation>固定词嵌入不训练</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Frozen bottom layers</source>
      <translation>冻结底部层数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Keep the bottom N layers fixed</source>
      <translation>固定最底部的 N 层不训练</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Train the head only</source>
      <translation>只训练分类头</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classifier: train only the head</source>
      <translation>分类器：只训练分类头</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Frozen weights stored as</source>
      <translation>冻结权重的存储精度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>bf16 halves the memory of a frozen base (LoRA, head only)</source>
      <translation>bf16 可将冻结基座模型的内存减半（LoRA、仅训练分类头）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Mixed precision</source>
      <translation>混合精度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>bf16: matrix products in bfloat16, about twice as fast on CPUs with AVX-512 BF16</source>
      <translation>bf16：以 bfloat16 计算矩阵乘法，在支持 AVX-512 BF16 的 CPU 上约快一倍</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Gradient checkpointing</source>
      <translation>梯度检查点</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Recompute each layer in the backward pass: much less memory, about a third more time</source>
      <translation>反向传播时重新计算每一层：内存大幅减少，耗时约增加三分之一</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Steps</source>
      <translation>步数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Optimizer steps; 0 = let epochs decide</source>
      <translation>优化步数；0 表示由轮数决定</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Epochs</source>
      <translation>训练轮数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Passes over the data when the number of steps is 0</source>
      <translation>步数为 0 时遍历数据的轮数</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Batch size</source>
      <translation>批大小</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Rows per micro-batch</source>
      <translation>每个微批次的行数</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Gradient accumulation</source>
      <translation>梯度累积</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Micro-batches per optimizer step</source>
      <translation>每个优化步的微批次数</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Learning rate</source>
      <translation>学习率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Peak learning rate</source>
      <translation>峰值学习率</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Final learning rate</source>
      <translation>最终学习率</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Learning rate at the end of the schedule</source>
      <translation>调度结束时的学习率</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Warm-up steps</source>
      <translation>预热步数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Steps of linear warm-up</source>
      <translation>线性预热的步数</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Learning-rate schedule</source>
      <translation>学习率调度</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Learning rate after the warm-up</source>
      <translation>预热之后的学习率变化方式</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Weight decay</source>
      <translation>权重衰减</translation>
    </message>
    <message>
      <location line="+1" />
      <source>AdamW's decoupled weight decay (not on norms)</source>
      <translation>AdamW 的解耦权重衰减（不作用于归一化层）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Adam beta1</source>
      <translation>Adam beta1</translation>
    </message>
    <message>
      <location line="+1" />
      <source>AdamW: how slowly the running mean of the gradient forgets</source>
      <translation>AdamW：梯度滑动平均的衰减系数（越大遗忘越慢）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Adam beta2</source>
      <translation>Adam beta2</translation>
    </message>
    <message>
      <location line="+1" />
      <source>AdamW: how slowly the running mean of the squared gradient forgets</source>
      <translation>AdamW：梯度平方滑动平均的衰减系数（越大遗忘越慢）</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Adam epsilon</source>
      <translation>Adam epsilon</translation>
    </message>
    <message>
      <location line="+1" />
      <source>AdamW: a small number that keeps the update finite</source>
      <translation>AdamW：防止除以零、使更新保持有限的小常数</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Gradient clipping</source>
      <translation>梯度裁剪</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Clip the gradient's global norm; 0 = off</source>
      <translation>按全局范数裁剪梯度；0 表示关闭</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Random seed</source>
      <translation>随机种子</translation>
    </message>
    <message>
      <location line="+1" />
      <source>The same seed repeats a run exactly</source>
      <translation>相同的种子可完全复现一次训练</translation>
    </message>
    <message>
      <location line="+2" />
      <source>CPU threads</source>
      <translation>CPU 线程数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>CPU threads; 0 = every core</source>
      <translation>CPU 线程数；0 表示使用全部核心</translation>
    </message>
    <message>
      <location line="+3" />
      <source>Evaluate every</source>
      <translation>评估间隔（步）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Steps between evaluations; step 0 is the baseline</source>
      <translation>两次评估之间的步数；第 0 步为基线</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Batches per evaluation</source>
      <translation>每次评估的批次数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Batches per evaluation during the run; the last one covers the whole split</source>
      <translation>训练中每次评估的批次数；最后一次评估覆盖整个验证集</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Checkpoint every</source>
      <translation>检查点间隔（步）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Steps between checkpoints; 0 = at every evaluation</source>
      <translation>两次检查点之间的步数；0 表示每次评估时保存</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Checkpoints to keep</source>
      <translation>保留的检查点数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Checkpoints to keep, besides the best</source>
      <translation>除最佳检查点外保留的检查点数量</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Keep the best checkpoint</source>
      <translation>保留最佳检查点</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Keep the checkpoint with the best early-stopping metric</source>
      <translation>保留早停指标最佳的检查点</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Early-stopping metric</source>
      <translation>早停指标</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Metric to watch: val_loss, macro_f1, check_pass_rate…; auto picks by task</source>
      <translation>监控的指标：val_loss、macro_f1、check_pass_rate…；auto 按任务自动选择</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Patience</source>
      <translation>早停耐心值</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Stop after this many evaluations without improvement; 0 = off</source>
      <translation>连续这么多次评估没有改进就停止；0 表示关闭</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Smallest improvement</source>
      <translation>最小改进量</translation>
    </message>
    <message>
      <location line="+1" />
      <source>An evaluation improves on the best only by more than this</source>
      <translation>评估结果须比最佳值好出此数值以上，才算有所改进</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Dialogue checks</source>
      <translation>对话检查</translation>
    </message>
    <message>
      <location line="+1" />
      <source>JSONL of prompts with must_contain / must_not_contain / regex rules, run at every evaluation</source>
      <translation>包含 must_contain / must_not_contain / regex 规则的提示 JSONL，每次评估时运行</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Tokens per check</source>
      <translation>每次检查的词元数</translation>
    </message>
    <message>
      <location line="+1" />
      <source>New tokens per dialogue check</source>
      <translation>每条对话检查生成的新词元数</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Memory limit (MB)</source>
      <translation>内存上限（MB）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Refuse a run whose memory estimate exceeds this; 0 = what is free now</source>
      <translation>内存估算超过此值时拒绝训练；0 表示当前可用内存</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Run folder</source>
      <translation>运行文件夹</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Where config, log, metrics and checkpoints go; empty = runs/&lt;date-time&gt;</source>
      <translation>配置、日志、指标和检查点的保存位置；留空则为 runs/&lt;日期-时间&gt;</translation>
    </message>
    <message>
      <location line="+2" />
      <source>Wait for other processes (s)</source>
      <translation>等待其他进程（秒）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Several processes: seconds one waits for the others before the run stops with an error</source>
      <translation>多进程训练：一个进程等待其他进程的秒数，超时则报错并停止运行</translation>
    </message>
    <message>
      <location line="+10" />
      <source>The model's own</source>
      <translation>使用模型自带的模板</translation>
    </message>
    <message>
      <location filename="../engine/training/train_config.h" line="+22" />
      <source>Follow the data</source>
      <translation>根据数据决定</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Language model</source>
      <translation>语言模型</translation>
    </message>
    <message>
      <location line="+1" />
      <source>Classifier</source>
      <translation>分类器</translation>
    </message>
    <message>
      <location line="+7" />
      <source>float32</source>
      <translation>float32</translation>
    </message>
    <message>
      <location line="+1" />
      <source>bfloat16 (half the memory)</source>
      <translation>bfloat16（内存减半）</translation>
    </message>
    <message>
      <location line="+7" />
      <source>Off (float32)</source>
      <translation>关闭（float32）</translation>
    </message>
    <message>
      <location line="+1" />
      <source>bfloat16 matrix products</source>
      <translation>bfloat16 矩阵乘法</translation>
    </message>
  </context>
  <context>
    <name>TrainPage</name>
    <message>
      <location filename="../ui/train/train_page.cpp" line="+49" />
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
      <location line="+4" />
      <location line="+302" />
      <source>Evaluation</source>
      <translation>评估</translation>
    </message>
    <message>
      <location line="-152" />
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
      <location line="+22" />
      <source>%1
In a config file: %2</source>
      <translation>%1
配置文件中的键：%2</translation>
    </message>
    <message>
      <location line="+15" />
      <source>In a config file: %1</source>
      <translation>配置文件中写作：%1</translation>
    </message>
    <message>
      <location line="+11" />
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
      <location line="+37" />
      <source>Start</source>
      <translation>开始</translation>
    </message>
    <message>
      <location line="+1" />
      <location line="+277" />
      <location line="+50" />
      <source>Pause</source>
      <translation>暂停</translation>
    </message>
    <message>
      <location line="-326" />
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
      <location line="+2" />
      <source>Talk to the weights as they are now, while the run goes on; nothing is saved first</source>
      <translation>在训练继续进行的同时，与此刻的权重对话；无需先保存</translation>
    </message>
    <message>
      <location line="+9" />
      <location line="+4" />
      <source>Processes</source>
      <translation>进程数</translation>
    </message>
    <message>
      <location line="-3" />
      <source>Data-parallel training with this many processes on this machine (c10d over Gloo), shown here as one run. 1 trains inside Tunebench, with Pause and live chat.</source>
      <translation>在本机用这么多个进程做数据并行训练（c10d + Gloo），在这里显示为一次训练。设为 1 则在 Tunebench 内部训练，可以暂停，也可以与训练中的模型对话。</translation>
    </message>
    <message>
      <location line="+11" />
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
      <location line="+5" />
      <source>Training log</source>
      <translation>训练日志</translation>
    </message>
    <message>
      <location line="+92" />
      <source>%1: the form cannot show %2 = %3</source>
      <translation>%1：表单无法显示 %2 = %3</translation>
    </message>
    <message>
      <location line="+48" />
      <source>%1: "%2" is not a number</source>
      <translation>%1：“%2”不是数字</translation>
    </message>
    <message>
      <location line="+63" />
      <source>resuming %1</source>
      <translation>正在继续 %1</translation>
    </message>
    <message>
      <location line="+13" />
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
      <location line="+12" />
      <source>stopping at the next step boundary…</source>
      <translation>将在下一步结束时停止…</translation>
    </message>
    <message>
      <location line="+49" />
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
      <source>In metrics.jsonl: %1</source>
      <translation>metrics.jsonl 中的名称：%1</translation>
    </message>
    <message>
      <location line="+8" />
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
      <location filename="../ui/common/run_status.h" line="+10" />
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
      <location filename="../ui/train/train_page.cpp" line="+8" />
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
      <location filename="../ui/train/train_worker.cpp" line="+59" />
      <source>checkpoint %1</source>
      <translation>检查点 %1</translation>
    </message>
  </context>
  <context>
    <name>main</name>
    <message>
      <location filename="../app/gui/main.cpp" line="+96" />
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
      <location line="+3" />
      <source>A project (folder or tunebench.json) or a model to open</source>
      <translation>要打开的项目（文件夹或 tunebench.json）或模型</translation>
    </message>
  </context>
</TS>