// llama.cpp as an independent GGUF reader: node greedy.mjs MODEL.gguf PROMPT N
// Prints {"prompt_ids": [...], "generated": [...]} with the N greedy (temperature 0) ids
// llama.cpp produces after BOS + the tokenised prompt. LlamaCompletion would add no BOS,
// so the sequence is evaluated directly (PLATFORM.md, "A real GGUF reader"). EOS does not
// stop generation: Tunebench's side of the test decodes a fixed number of ids too.
import {getLlama} from "node-llama-cpp";

const [modelPath, prompt, countText] = process.argv.slice(2);
const count = Number.parseInt(countText ?? "", 10);
if (!modelPath || prompt === undefined || !(count > 0)) {
    console.error("usage: node greedy.mjs MODEL.gguf PROMPT N");
    process.exit(2);
}

const llama = await getLlama({gpu: false, build: "never", logLevel: "error"});
const model = await llama.loadModel({modelPath});
// An F32 KV cache (llama.cpp defaults to F16) keeps llama.cpp's arithmetic as close to
// Tunebench's float32 as it gets, so only real layout or tokenizer bugs change an argmax.
const context = await model.createContext({
    contextSize: Math.min(model.trainContextSize, 512),
    threads: 2,
    experimentalKvCacheKeyType: "F32",
    experimentalKvCacheValueType: "F32",
});
const sequence = context.getSequence();

const promptIds = model.tokenize(prompt);
const generated = [];
for await (const token of sequence.evaluate([model.tokens.bos, ...promptIds], {temperature: 0, yieldEogToken: true})) {
    generated.push(token);
    if (generated.length >= count)
        break;
}
console.log(JSON.stringify({prompt_ids: promptIds, generated}));
await context.dispose();
await model.dispose();
await llama.dispose();
